/**
 * A synthetic worker for relay benchmarks: a real libp2p node serving `/cocoon/work/1.0.0` with the real job
 * codecs and frames, which answers every sealed job with sealed-looking chunks and a well-formed Final, without
 * a model or a seal key. The proxy cannot tell the difference: it only ever relays ciphertext.
 *
 * Two modes: `fast` writes `maxTokens` chunks as fast as backpressure allows; `paced` sends one chunk every
 * `paceMs` until `release()`, which holds many streams open at a steady trickle (the proxy's chunk idle timeout
 * would end a silent stream).
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Stream } from '@libp2p/interface'
import { randomBytes } from '@noble/hashes/utils.js'
import { buildLibp2p, type CocoonLibp2p } from '../node/libp2p.js'
import { codecs, MAX_FRAME_BYTES, MAX_INBOUND_STREAMS, REQUEST_TIMEOUT_MS, WORK_PROTOCOL } from '../protocols/job/index.js'
import { FrameStream } from '../protocols/common/frames.js'
import { sleep } from './lib-stats.js'

/** A sealed one-token chunk: ChunkPayload{text: ~4 chars} (6 bytes) + Poly1305 tag (16 bytes), rounded up. */
export const SEALED_CHUNK_BYTES = 24

export interface SyntheticWorkerOptions {
  inboundConnectionThreshold?: number
}

export class SyntheticWorker {
  readonly libp2p: CocoonLibp2p
  mode: 'fast' | 'paced' = 'fast'
  paceMs = 1000
  /** Jobs whose first chunk went out (paced mode counts these to know all streams are open). */
  started = 0
  completed = 0
  private released?: PromiseWithResolvers<void>
  private readonly chunk = randomBytes(SEALED_CHUNK_BYTES)

  private constructor (libp2p: CocoonLibp2p) {
    this.libp2p = libp2p
  }

  static async start (opts: SyntheticWorkerOptions = {}): Promise<SyntheticWorker> {
    const libp2p = await buildLibp2p({
      role: 'worker',
      privateKey: await generateKeyPair('Ed25519'),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: [],
      inboundConnectionThreshold: opts.inboundConnectionThreshold ?? 10_000
    })
    const worker = new SyntheticWorker(libp2p)
    await libp2p.start()
    await libp2p.handle(WORK_PROTOCOL, (stream) => { void worker.serve(stream) }, { maxInboundStreams: MAX_INBOUND_STREAMS })
    return worker
  }

  get address (): string {
    return this.libp2p.getMultiaddrs()[0].toString()
  }

  /** Switches to paced mode: every job trickles chunks until `release()`. */
  hold (paceMs: number): void {
    this.mode = 'paced'
    this.paceMs = paceMs
    this.released = Promise.withResolvers<void>()
  }

  release (): void {
    this.mode = 'fast'
    this.released?.resolve()
  }

  async stop (): Promise<void> {
    this.release()
    await this.libp2p.stop()
  }

  private async serve (stream: Stream): Promise<void> {
    const frames = new FrameStream(stream, { maxFrameBytes: MAX_FRAME_BYTES, readTimeoutMs: REQUEST_TIMEOUT_MS, writeTimeoutMs: 60_000 })
    try {
      const req = await frames.read(codecs.workRequest)
      if (req.job == null) throw new Error('expected a sealed job')
      let seq = 0
      const send = async (): Promise<void> => {
        await frames.write(codecs.work, { chunk: { seq: BigInt(seq++), ciphertext: this.chunk, final: false } })
      }
      await send()
      this.started++
      if (this.mode === 'paced' && this.released != null) {
        const released = this.released.promise.then(() => true)
        while (!await Promise.race([released, sleep(this.paceMs).then(() => false)])) await send()
      } else {
        while (seq < req.job.maxTokens) await send()
      }
      await frames.write(codecs.work, { chunk: { seq: BigInt(seq), ciphertext: this.chunk, final: true } })
      await frames.write(codecs.work, {
        final: { usage: { promptTokens: 8, completionTokens: seq }, outputHash: randomBytes(32), workerSignature: randomBytes(64) }
      })
      await frames.closeWrite()
      this.completed++
    } catch (err) {
      frames.abort(err as Error)
    }
  }
}
