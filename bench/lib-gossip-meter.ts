/**
 * Counts the bytes a libp2p node sends on its gossipsub streams.
 *
 * Gossipsub writes every RPC (messages, IHAVE/IWANT/GRAFT/PRUNE/IDONTWANT control, subscriptions) with one
 * `send()` on the outbound stream it keeps per peer, and reads only on inbound streams. So wrapping `send` on
 * each outbound `/meshsub/*` stream counts every gossip byte this node puts on the wire, above yamux and noise
 * (their framing adds about 30 bytes per frame and is not counted). Summed over all nodes of a swarm, bytes
 * sent equal bytes received, so total / nodes is the per-node figure in either direction.
 *
 * libp2p middleware (`node.use`) would be the documented hook, but in libp2p 3.3.11 the registrar hands out its
 * stored middleware array and every inbound stream pushes its handler into it, so middleware on a protocol
 * that also receives streams breaks that protocol. Wrapping `Connection.newStream` avoids that.
 */
import type { Connection, Stream } from '@libp2p/interface'
import type { CocoonLibp2p } from '../node/libp2p.js'

const GOSSIP_PROTOCOL_PREFIXES = ['/meshsub/', '/floodsub/']

export interface GossipMeter {
  /** Bytes sent on gossip streams since the last reset. */
  readonly bytesSent: number
  /** RPC frames sent since the last reset. */
  readonly framesSent: number
  reset (): void
  stop (): void
}

export function meterGossip (node: CocoonLibp2p): GossipMeter {
  const counts = { bytesSent: 0, framesSent: 0 }
  const wrapStream = (stream: Stream): Stream => {
    if (!GOSSIP_PROTOCOL_PREFIXES.some(p => stream.protocol?.startsWith(p))) return stream
    const send = stream.send.bind(stream)
    stream.send = (data) => {
      counts.bytesSent += data.byteLength
      counts.framesSent++
      return send(data)
    }
    return stream
  }
  const wrapConnection = (connection: Connection): void => {
    const newStream = connection.newStream
    connection.newStream = async (protocols, options) => wrapStream(await newStream(protocols, options))
  }
  const onOpen = (evt: CustomEvent<Connection>): void => { wrapConnection(evt.detail) }
  for (const c of node.getConnections()) wrapConnection(c)
  node.addEventListener('connection:open', onOpen)
  return {
    get bytesSent () { return counts.bytesSent },
    get framesSent () { return counts.framesSent },
    reset () { counts.bytesSent = 0; counts.framesSent = 0 },
    stop () { node.removeEventListener('connection:open', onOpen) }
  }
}
