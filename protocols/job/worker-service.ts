import type { Connection, PrivateKey, Startable, Stream } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { GenerateRequest, LoadedModel } from '../../models/engine.js'
import { StartingJobs } from '../common/quiet.js'
import { CocoonError, toCocoonError } from '../common/errors.js'
import { traceMark } from '../common/trace.js'
import { wireBytes } from '../common/bytes.js'
import { FrameStream } from '../common/frames.js'
import { OpeningPreparer, openJob, type WorkerSession } from '../seal/index.js'
import { codecs, finalSigningBytes } from './codecs.js'
import { CHUNK_COALESCE_MS, MAX_FRAME_BYTES, MAX_INBOUND_STREAMS, PRESEALED_ATTEMPT, REQUEST_TIMEOUT_MS, WORK_PROTOCOL } from './constants.js'
import { ChunkPayload, JobPayload, type NextSeal, type SealedJob, type Usage } from './gen/messages.js'
import { toGenerateRequest } from './payload.js'
import { ChunkTranscript } from './transcript.js'
import { silentLogger } from '../common/silent-logger.js'

export interface WorkServiceComponents {
  handle: (protocol: string, handler: (stream: Stream, connection: Connection) => void | Promise<void>, options?: { maxInboundStreams?: number }) => Promise<void>
  unhandle: (protocol: string) => Promise<void>
}

export interface WorkServiceInit {
  /** X25519 private key whose public half is in this worker's certificate. */
  sealPrivateKey: Uint8Array
  /** The worker's libp2p key, to sign `Final`. */
  privateKey: PrivateKey
  /** The model serving a request's model id or sha256, if loaded. */
  findModel: (model: string) => LoadedModel | undefined
  /** Called when a job starts and ends, so capacity is announced on change. */
  onLoadChange?: () => void
  logger?: Logger
}

/**
 * The worker end of `/cocoon/work/1.0.0`: opens the sealed job, runs the model, and streams the answer back
 * sealed chunk by chunk. Everything it sends is ciphertext except the routing fields and the signed usage.
 */
export class WorkService implements Startable {
  private readonly components: WorkServiceComponents
  private readonly init: WorkServiceInit
  private readonly log: Logger
  private readonly running = new Set<AbortController>()
  /** Agreements for the ephemeral keys clients announced for their next jobs, done between jobs. */
  private readonly openings: OpeningPreparer
  jobsDone = 0
  /** Jobs opened with the agreement their client announced the job before (no X25519 on their way). */
  jobsOpenedAhead = 0

  constructor (components: WorkServiceComponents, init: WorkServiceInit) {
    this.components = components
    this.init = init
    this.log = init.logger ?? silentLogger
    this.openings = new OpeningPreparer({ sealPrivateKey: init.sealPrivateKey, attempt: PRESEALED_ATTEMPT })
  }


  async start (): Promise<void> {
    await this.components.handle(WORK_PROTOCOL, (stream) => { void this.serve(stream) }, { maxInboundStreams: MAX_INBOUND_STREAMS })
  }

  async stop (): Promise<void> {
    await this.components.unhandle(WORK_PROTOCOL)
    for (const c of this.running) c.abort(new CocoonError('CANCELLED', 'worker stopping'))
  }

  get activeJobs (): number {
    return this.running.size
  }

  /** Jobs received whose first chunk has not gone out yet: the worker's own background work waits for them. */
  readonly starting = new StartingJobs()

  private async serve (stream: Stream): Promise<void> {
    const frames = new FrameStream(stream, { maxFrameBytes: MAX_FRAME_BYTES, readTimeoutMs: REQUEST_TIMEOUT_MS })
    const controller = new AbortController()
    let next: NextSeal | undefined
    let started = (): void => {}
    try {
      // A stream closed before its first frame asked for nothing (a proxy's warm stream it no longer needs).
      const req = await frames.readOrEnd(codecs.workRequest)
      if (req === undefined) {
        await frames.closeWrite().catch(() => {})
        return
      }
      started = this.starting.begin()
      if (req.job == null) throw new CocoonError('BAD_REQUEST', 'expected a sealed job')
      traceMark('worker.received')
      const { session, payload } = this.open(req.job)
      next = payload.next
      const model = this.init.findModel(payload.model)
      if (model == null) throw new CocoonError('UNKNOWN_MODEL', `this worker does not serve ${payload.model}`)
      if (model.busySlots() >= model.slots) throw new CocoonError('NO_CAPACITY', 'all slots busy')
      this.running.add(controller)
      this.init.onLoadChange?.()
      this.watchForCancel(frames, controller)
      traceMark('worker.opened')
      await this.generate(frames, req.job, session, model, toGenerateRequest(payload), controller.signal, started)
      this.jobsDone++
    } catch (err) {
      const e = toCocoonError(err)
      if (controller.signal.aborted) {
        this.log.info({ reason: e.message }, 'job cancelled')
        frames.abort(e)
        return
      }
      this.log.info({ code: e.code, err: e.message }, 'job failed')
      try {
        await frames.write(codecs.work, { error: { code: e.code, message: e.message } })
        await frames.closeWrite()
      } catch {
        frames.abort(e)
      }
    } finally {
      started()
      if (this.running.delete(controller)) this.init.onLoadChange?.()
      // The client's next job to us: agree its key now, with the answer sent and the engine idle.
      if (next != null) this.openings.prepare(next)
    }
  }

  private open (job: SealedJob): { session: WorkerSession, payload: JobPayload } {
    let opened
    try {
      const prepared = this.openings.take(job.ephemeralKey)
      opened = openJob({ sealPrivateKey: this.init.sealPrivateKey, jobId: job.jobId, attempt: job.attempt, sealed: { ephemeralKey: job.ephemeralKey, ciphertext: job.ciphertext } }, prepared)
      if (prepared != null) this.jobsOpenedAhead++
    } catch (err) {
      throw toCocoonError(err, 'INTEGRITY')
    }
    let payload: JobPayload
    try {
      payload = JobPayload.decode(opened.plaintext, { limits: { messages: 1024, stop: 16 } })
    } catch (err) {
      throw new CocoonError('BAD_REQUEST', `sealed job does not decode: ${(err as Error).message}`)
    }
    // The proxy routed on the clear model name; the sealed one is what the client really asked for.
    if (payload.model !== job.model) throw new CocoonError('BAD_REQUEST', 'sealed model differs from the routed model')
    return { session: opened.session, payload }
  }

  /** The proxy may send Cancel, or reset the stream when the client goes away: either stops generation. */
  private watchForCancel (frames: FrameStream, controller: AbortController): void {
    void (async () => {
      try {
        while (!controller.signal.aborted) {
          const next = await frames.readOrEnd(codecs.workRequest, { timeoutMs: 2 ** 31 - 1, signal: controller.signal })
          if (next === undefined) return // half-closed: the proxy has nothing more to say; keep streaming
          if (next.cancel != null) controller.abort(new CocoonError('CANCELLED', next.cancel.reason || 'cancelled by client'))
        }
      } catch (err) {
        if (!controller.signal.aborted) controller.abort(toCocoonError(err, 'CANCELLED'))
      }
    })()
  }

  /** Streams the answer; `started` is called once the first chunk is on its way. */
  private async generate (frames: FrameStream, job: SealedJob, session: WorkerSession, model: LoadedModel, req: GenerateRequest, signal: AbortSignal, started: () => void): Promise<void> {
    const transcript = new ChunkTranscript()
    let usage: Usage = { promptTokens: 0, completionTokens: 0 }
    let finishReason = 'stop'
    // Tokens that arrive while a chunk is being written, or within CHUNK_COALESCE_MS of the last chunk, go out
    // together in the next one. The first token leaves at once; later ones wait at most that long. Every chunk
    // costs a seal, a frame, a relay hop and an open on the way, so a fast model streams several tokens per chunk
    // instead of paying that per token; a model slower than one token per CHUNK_COALESCE_MS is not delayed.
    let pending = ''
    let writing: Promise<void> | undefined
    let writeError: unknown
    let lastSent = -Infinity
    let tokenSeen = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const drain = (force = false): void => {
      if (writing != null || pending === '') return
      const wait = lastSent + CHUNK_COALESCE_MS - performance.now()
      if (!force && wait > 0) {
        timer ??= setTimeout(() => { timer = undefined; drain(true) }, wait)
        return
      }
      clearTimeout(timer)
      timer = undefined
      writing = (async () => {
        try {
          while (pending !== '') {
            const text = pending
            pending = ''
            lastSent = performance.now()
            const sealed = session.sealChunk(ChunkPayload.encode({ text, finishReason: '' }), { final: false })
            transcript.add(sealed.ciphertext)
            if (sealed.seq === 0) traceMark('worker.sendingFirst')
            await frames.write(codecs.work, { chunk: { seq: BigInt(sealed.seq), ciphertext: wireBytes(sealed.ciphertext), final: false } }, { signal })
            started()
          }
        } catch (err) {
          writeError ??= err
        } finally {
          writing = undefined
        }
      })()
    }
    try {
      for await (const ev of model.generate(req, signal)) {
        if (writeError != null) throw writeError
        if (ev.type === 'token') {
          if (ev.text === '') continue
          if (!tokenSeen) traceMark('worker.firstToken')
          tokenSeen = true
          pending += ev.text
          drain()
        } else {
          if (ev.finishReason === 'cancelled') throw new CocoonError('CANCELLED', 'generation cancelled')
          traceMark('worker.engineDone')
          usage = { promptTokens: ev.usage.promptTokens, completionTokens: ev.usage.completionTokens }
          finishReason = ev.finishReason
        }
      }
      while (writing != null) await writing
    } finally {
      clearTimeout(timer)
    }
    if (writeError != null) throw writeError
    // The end in one write: the text still held for coalescing rides in the sealed final chunk, and Final follows
    // it in the same send, so the answer's tail costs one frame per hop instead of three.
    const last = session.sealChunk(ChunkPayload.encode({ text: pending, finishReason, usage }), { final: true })
    transcript.add(last.ciphertext)
    const outputHash = wireBytes(transcript.digest())
    const workerSignature = await this.init.privateKey.sign(finalSigningBytes(job.jobId, job.attempt, usage, outputHash))
    traceMark('worker.sendingFinal')
    await frames.writeMany(codecs.work, [
      { chunk: { seq: BigInt(last.seq), ciphertext: wireBytes(last.ciphertext), final: true } },
      { final: { usage, outputHash, workerSignature: wireBytes(workerSignature) } }
    ], { signal })
    await frames.closeWrite()
  }
}
