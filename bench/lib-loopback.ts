/**
 * The machine's own cost of one message between two processes: the round trip of 200 bytes over loopback TCP to
 * an echo server in another process (lib-echo-server.ts), taken like a job's first message, after the processes
 * idled. The network path's first token crosses four such process hops, so this is the floor under its overhead
 * on this machine, and the part of it no code of ours can remove. On a VM an idle vCPU must be woken for each
 * hop, which is cheap on a quiet host and costly on a busy one: measured beside the network path, it tells how
 * much of a run's overhead was the machine's.
 */
import { connect, type Socket } from 'node:net'
import { BenchChild } from './lib-child.js'

const PROBE_BYTES = 200

export class LoopbackProbe {
  private constructor (private readonly child: BenchChild, private readonly socket: Socket) {}

  static async start (): Promise<LoopbackProbe> {
    const child = new BenchChild('lib-echo-server', [])
    try {
      const { port } = await child.next('listening', 10_000)
      const socket = connect(Number(port), '127.0.0.1')
      socket.setNoDelay(true)
      await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
      return new LoopbackProbe(child, socket)
    } catch (err) {
      await child.stop()
      throw err
    }
  }

  /** One round trip, in ms. */
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

  async stop (): Promise<void> {
    this.socket.destroy()
    await this.child.stop()
  }
}
