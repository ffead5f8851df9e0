/**
 * What one message between two processes costs on this machine: the round trip of 200 bytes to echo servers in
 * another process (lib-echo-server.ts), taken like a job's first message, after the processes idled.
 *
 * - `roundTripMs`: plain TCP on loopback. The network path's first token crosses four process hops, so this is
 *   the floor under its overhead on this machine, and the part of it no code of ours can remove. On a VM an idle
 *   vCPU must be woken for each hop, which is cheap on a quiet host and costly on a busy one: measured beside the
 *   network path, it tells how much of a run's overhead was the machine's.
 * - `libp2pRoundTripMs`: the same over an open stream between two libp2p nodes built as Cocoon's are (Noise,
 *   yamux): each hop of a job pays this much before any of the job protocol's own work.
 */
import { connect, type Socket } from 'node:net'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Stream, StreamMessageEvent } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { buildLibp2p, type CocoonLibp2p } from '../node/libp2p.js'
import { BenchChild } from './lib-child.js'

const PROBE_BYTES = 200

/** The echo protocol of lib-echo-server.ts. */
export const ECHO_PROTOCOL = '/cocoon-bench/echo/1.0.0'

export class LoopbackProbe {
  private constructor (private readonly child: BenchChild, private readonly socket: Socket, private readonly node: CocoonLibp2p, private readonly stream: Stream) {}

  static async start (): Promise<LoopbackProbe> {
    const child = new BenchChild('lib-echo-server', [])
    let node: CocoonLibp2p | undefined
    let socket: Socket | undefined
    try {
      const listening = await child.next('listening', 30_000)
      socket = connect(Number(listening.port), '127.0.0.1')
      socket.setNoDelay(true)
      const tcp = socket
      await new Promise<void>((resolve, reject) => { tcp.once('connect', resolve); tcp.once('error', reject) })
      node = await buildLibp2p({ role: 'client', privateKey: await generateKeyPair('Ed25519'), listen: [], bootstrap: [] })
      await node.start()
      const stream = await node.dialProtocol(multiaddr(String(listening.multiaddr)), ECHO_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
      return new LoopbackProbe(child, socket, node, stream)
    } catch (err) {
      socket?.destroy()
      await node?.stop()
      await child.stop()
      throw err
    }
  }

  /** One round trip over plain TCP, in ms. */
  async roundTripMs (): Promise<number> {
    const message = Buffer.alloc(PROBE_BYTES, 7)
    return await new Promise<number>((resolve, reject) => {
      let received = 0
      const onData = (data: Buffer): void => {
        received += data.length
        if (received < PROBE_BYTES) return
        this.socket.off('data', onData)
        this.socket.off('error', reject)
        resolve(performance.now() - t0)
      }
      this.socket.on('data', onData)
      this.socket.once('error', reject)
      const t0 = performance.now()
      this.socket.write(message)
    })
  }

  /** One round trip over the libp2p stream, in ms. */
  async libp2pRoundTripMs (): Promise<number> {
    const message = new Uint8Array(PROBE_BYTES).fill(7)
    return await new Promise<number>((resolve, reject) => {
      let received = 0
      const onMessage = (evt: StreamMessageEvent): void => {
        received += evt.data.byteLength
        if (received < PROBE_BYTES) return
        this.stream.removeEventListener('message', onMessage)
        this.stream.removeEventListener('close', onClose)
        resolve(performance.now() - t0)
      }
      const onClose = (): void => { reject(new Error('echo stream closed')) }
      this.stream.addEventListener('message', onMessage)
      this.stream.addEventListener('close', onClose, { once: true })
      const t0 = performance.now()
      this.stream.send(message)
    })
  }

  async stop (): Promise<void> {
    this.socket.destroy()
    this.stream.abort(new Error('probe over'))
    await this.node.stop()
    await this.child.stop()
  }
}
