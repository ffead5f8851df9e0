import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId, Stream } from '@libp2p/interface'
import { buildLibp2p, type CocoonLibp2p } from '../../node/libp2p.js'
import type { CapacityTable } from '../../protocols/capacity/index.js'
import { wireBytes } from '../../protocols/common/bytes.js'
import { FrameStream } from '../../protocols/common/frames.js'
import { codecs, MAX_FRAME_BYTES, WORK_PROTOCOL, type ProxyFrame, type SealedJob, type WorkFrame } from '../../protocols/job/index.js'

export const MODEL = 'cocoon-tiny'
export const PRICE = 1000n

/**
 * What a scripted worker does with each job: answer one (opaque) chunk and Final; send one chunk and then reset
 * the stream (a crash mid-answer); refuse it as busy; or stream chunks until the proxy cancels or resets.
 */
export type WorkerScript = 'answer' | 'break' | 'busy' | 'stream-until-cancel'

/** A real libp2p peer serving `/cocoon/work/1.0.0` by script, recording every sealed job it receives. */
export class ScriptedWorker {
  readonly jobs: SealedJob[] = []
  /** Jobs the proxy stopped (Cancel frame, or the stream reset under it) while the worker was streaming. */
  stopped = 0

  constructor (readonly libp2p: CocoonLibp2p, public script: WorkerScript) {}

  static async start (script: WorkerScript = 'answer'): Promise<ScriptedWorker> {
    const libp2p = await buildLibp2p({ role: 'worker', privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [] })
    await libp2p.start()
    const worker = new ScriptedWorker(libp2p, script)
    await libp2p.handle(WORK_PROTOCOL, (stream) => { void worker.serve(stream) })
    return worker
  }

  private async serve (stream: Stream): Promise<void> {
    const frames = new FrameStream(stream, { maxFrameBytes: MAX_FRAME_BYTES, readTimeoutMs: 5000 })
    const req = await frames.readOrEnd(codecs.workRequest).catch(() => undefined)
    if (req?.job == null) { await frames.closeWrite().catch(() => {}); return }
    this.jobs.push(req.job)
    const chunk = (seq: number): Partial<WorkFrame> => ({ chunk: { seq: BigInt(seq), ciphertext: new Uint8Array(24), final: false } })
    try {
      switch (this.script) {
        case 'answer':
          await frames.write(codecs.work, chunk(0))
          await frames.write(codecs.work, { final: { usage: { promptTokens: 1, completionTokens: 1 }, outputHash: new Uint8Array(32), workerSignature: new Uint8Array(64) } })
          await frames.closeWrite()
          return
        case 'break':
          await frames.write(codecs.work, chunk(0))
          frames.abort(new Error('worker crashed'))
          return
        case 'busy':
          await frames.write(codecs.work, { error: { code: 'NO_CAPACITY', message: 'all slots busy' } })
          await frames.closeWrite()
          return
        case 'stream-until-cancel': {
          const stop = new AbortController()
          void frames.readOrEnd(codecs.workRequest, { timeoutMs: 60_000 }).then(f => { if (f?.cancel != null) stop.abort() }, () => stop.abort())
          for (let seq = 0; !stop.signal.aborted; seq++) {
            await frames.write(codecs.work, chunk(seq))
            await new Promise(resolve => setTimeout(resolve, 20))
          }
          this.stopped++
          frames.abort(new Error('stopped'))
        }
      }
    } catch {
      if (this.script === 'stream-until-cancel') this.stopped++
    }
  }
}

/** Lists a worker in a proxy's capacity table as serving MODEL at PRICE with `freeSlots` of 4 free. */
export function announce (table: CapacityTable, worker: PeerId, freeSlots = 4, tokensPerSecond = 100): void {
  table.upsert(worker.toString(), {
    peerId: worker.toMultihash().bytes,
    models: [{ id: MODEL, sha256: wireBytes(new Uint8Array(32).fill(7)), contextLength: 4096, priceNanoPerToken: PRICE }],
    slots: 4,
    freeSlots,
    queue: 0,
    tokensPerSecond,
    firstTokenMs: 5,
    gpu: 'cpu',
    gpuMemoryBytes: 0n,
    certHash: wireBytes(new Uint8Array(32)),
    seq: 1n,
    ts: BigInt(Date.now())
  })
}

/** Which field of a proxy frame is set: 'offer', 'accepted', 'chunk', 'final', 'error' or 'empty'. */
export function kindOf (f: ProxyFrame): string {
  return Object.entries(f).find(([, v]) => v != null)?.[0] ?? 'empty'
}
