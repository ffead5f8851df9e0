import type { Identify } from '@libp2p/identify'
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { GOSSIP_MESH } from '../protocols/capacity/constants.js'
import { DHT_PROTOCOL } from '../protocols/discovery/constants.js'

/** How often the keeper checks this node's connections (and, with none, dials its bootstrap peers again). @default 5 s */
export const BOOTSTRAP_RETRY_MS = 5_000

/**
 * A connection open this long whose peer was never identified missed its identify exchange; libp2p runs
 * identify once per connection and never again. @default 10 s
 */
export const IDENTIFY_GRACE_MS = 10_000

/** How long a repeated identify may take before the connection is given up. @default 5 s */
export const IDENTIFY_RETRY_TIMEOUT_MS = 5_000

/** gossipsub's protocols (meshsub versions, and floodsub which it also speaks). */
const GOSSIP_PROTOCOL_PREFIXES = ['/meshsub/', '/floodsub/']

/** Peer-store metadata that only a completed identify writes (from the peer's identify message). */
const IDENTIFIED_MARK = 'AgentVersion'

export interface BootstrapKeeperOptions {
  /** @default BOOTSTRAP_RETRY_MS */
  intervalMs?: number
  /** @default IDENTIFY_GRACE_MS */
  identifyGraceMs?: number
}

/**
 * Keeps a node connected to the network.
 *
 * - @libp2p/bootstrap dials its list once at start; if that dial fails (a busy peer refusing handshakes, a peer not
 *   up yet) the node stays alone for good, and a lone node finds nothing in the DHT. While this node has no
 *   connection, this dials the bootstrap addresses again every few seconds.
 * - A connection whose identify exchange failed (it timed out on a loaded peer) is open but dead to every protocol:
 *   the DHT and gossipsub only use a peer once identify has told them what it speaks. A new worker whose only
 *   connection was such a one stayed unheard for good (seen in the 50-node swarm bench: one connection, no gossip
 *   peer, every announcement sent to nobody). This runs identify again on such connections and closes those where
 *   it fails again, so that the rule above dials afresh.
 * - gossipsub talks over two streams per peer, one opened by each side, and each side opens its own once only: if
 *   that open fails (a loaded peer), or a stream breaks, gossip between the two is one-sided or gone for as long as
 *   the connection stays up. A worker whose only connection had our stream but not the peer's published 26
 *   announcements to nobody (50-node swarm bench). While a node has fewer peers with gossip both ways than its mesh
 *   wants, an identified connection to a gossiping peer that lacks either stream past the same grace period is
 *   closed, and a new connection starts both afresh.
 */
export class BootstrapKeeper {
  private timer?: ReturnType<typeof setInterval>
  private readonly libp2p: Libp2p<{ identify: Identify }>
  private readonly addresses: string[]
  private readonly intervalMs: number
  private readonly identifyGraceMs: number
  private checking = false
  /** What the keeper repaired so far: identify run again, connections closed for failing it, for broken gossip. */
  readonly repairs = { reidentified: 0, closedUnidentified: 0, closedBrokenGossip: 0 }
  /** When `start` began listening for identify; connections opened before it are judged by the peer store. */
  private listeningSince = Infinity
  /** Connections known to have completed identify: checked once, never again (no peer-store read every round). */
  private readonly identified = new WeakSet<Connection>()
  private readonly onIdentify = (evt: CustomEvent<{ connection: Connection }>): void => { this.identified.add(evt.detail.connection) }

  constructor (libp2p: Libp2p<{ identify: Identify }>, addresses: string[], options: BootstrapKeeperOptions = {}) {
    this.libp2p = libp2p
    this.addresses = addresses
    this.intervalMs = options.intervalMs ?? BOOTSTRAP_RETRY_MS
    this.identifyGraceMs = options.identifyGraceMs ?? IDENTIFY_GRACE_MS
  }

  start (): void {
    this.libp2p.addEventListener('peer:identify', this.onIdentify)
    this.listeningSince = Date.now()
    this.timer = setInterval(() => { void this.check() }, this.intervalMs)
    this.timer.unref?.()
  }

  stop (): void {
    this.libp2p.removeEventListener('peer:identify', this.onIdentify)
    clearInterval(this.timer)
  }

  /**
   * One round: repairs connections that missed identify, closes those whose gossip is one-sided or gone, then
   * redials the bootstrap list if none is left.
   */
  async check (): Promise<void> {
    if (this.checking) return
    this.checking = true
    try {
      await this.repairUnidentified()
      await this.closeBrokenGossip()
      await this.redial()
    } finally {
      this.checking = false
    }
  }

  /** Dials every bootstrap address if the node has no connection; resolves when the dials have settled. */
  async redial (): Promise<void> {
    if (this.addresses.length === 0 || this.libp2p.getConnections().length > 0) return
    await Promise.all(this.addresses.map(async a => this.libp2p.dial(multiaddr(a), { signal: AbortSignal.timeout(this.intervalMs) }).catch(() => {})))
  }

  /** Runs identify again on open connections whose peer was never identified; closes those where it fails. */
  async repairUnidentified (): Promise<void> {
    const now = Date.now()
    const stale = this.libp2p.getConnections().filter(c => c.status === 'open' && now - c.timeline.open >= this.identifyGraceMs && !this.identified.has(c))
    await Promise.all(stale.map(async c => {
      // Opened before this keeper listened (or it was never started): the peer store says whether identify ran.
      // Later connections are judged by the event alone, since the peer store cannot tell this connection's
      // identify from an earlier connection's to the same peer.
      if (c.timeline.open < this.listeningSince && await wasIdentified(this.libp2p, c.remotePeer)) {
        this.identified.add(c)
        return
      }
      try {
        await this.libp2p.services.identify.identify(c, { signal: AbortSignal.timeout(IDENTIFY_RETRY_TIMEOUT_MS) })
        this.identified.add(c)
        this.repairs.reidentified++
      } catch (err) {
        this.repairs.closedUnidentified++
        await c.close().catch(() => { c.abort(err as Error) })
      }
    }))
  }

  /** Closes identified connections past the grace period that lack a gossip stream either way, between two gossiping peers. */
  async closeBrokenGossip (): Promise<void> {
    if (!this.libp2p.getProtocols().some(isGossipProtocol)) return // this node does not gossip
    const now = Date.now()
    const connections = this.libp2p.getConnections()
    // gossipsub keeps its streams on one connection per peer: a second connection to a peer that gossips on the
    // first is a duplicate, not broken
    const gossiping = new Set(connections.filter(hasGossipBothWays).map(c => c.remotePeer.toString()))
    // A well-connected node loses nothing to a few broken links (announcements reach it through other peers), and
    // closing them all churned 20-160 connections per 50-node swarm run; a node with fewer working gossip peers
    // than its mesh wants is the one that goes deaf.
    if (gossiping.size >= GOSSIP_MESH.D) return
    const suspects = connections.filter(c => c.status === 'open' && now - c.timeline.open >= this.identifyGraceMs && this.identified.has(c) &&
      !gossiping.has(c.remotePeer.toString()) && !carriesWork(c))
    await Promise.all(suspects.map(async c => {
      // Only a peer that speaks gossipsub owes us a stream (the peer store holds what its identify said).
      const protocols = await this.libp2p.peerStore.get(c.remotePeer).then(p => p.protocols, () => [])
      if (!protocols.some(isGossipProtocol)) return
      this.repairs.closedBrokenGossip++
      await c.close().catch((err) => { c.abort(err as Error) })
    }))
  }

}

/**
 * Whether a job, an attestation fetch or a warm stream for one runs on the connection: closing it would cut that
 * short, so its gossip waits for a later round.
 */
function carriesWork (connection: Pick<Connection, 'streams'>): boolean {
  return connection.streams.some(s => s.protocol?.startsWith('/cocoon/') === true && s.protocol !== DHT_PROTOCOL)
}

function isGossipProtocol (protocol: string | undefined): boolean {
  return protocol != null && GOSSIP_PROTOCOL_PREFIXES.some(p => protocol.startsWith(p))
}

/** Whether the connection carries gossip streams both ways: the one we opened and the one the peer opened. */
export function hasGossipBothWays (connection: Pick<Connection, 'streams'>): boolean {
  const gossip = connection.streams.filter(s => isGossipProtocol(s.protocol))
  return gossip.some(s => s.direction === 'outbound') && gossip.some(s => s.direction === 'inbound')
}

/**
 * Whether identify ever completed with this peer (on any connection). Not "its protocols are known": the peer store
 * also records the protocol of every stream the peer opens to us, its own identify request included.
 */
export async function wasIdentified (libp2p: Pick<Libp2p, 'peerStore'>, peer: PeerId): Promise<boolean> {
  try {
    return (await libp2p.peerStore.get(peer)).metadata.has(IDENTIFIED_MARK)
  } catch {
    return false
  }
}
