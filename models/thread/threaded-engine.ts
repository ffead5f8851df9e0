/**
 * An InferenceEngine whose node-llama-cpp runs on a thread of its own (engine-thread.ts).
 *
 * Why a worker uses it: node-llama-cpp hands every token between its JS thread and a native decode thread, and
 * that JS thread does about half of a small model's work. In the node's main thread it shares a core with the
 * job protocol: each streamed chunk's seal, frames and socket write (a loopback write wakes the proxy, ~0.3-0.5 ms
 * on a VM) came out of the engine's time. On its own thread the engine can have cores of its own
 * (`--engine-cpus`), the node's networking runs elsewhere, and token events cross over in batches
 * (token-batcher.ts), one wake-up per batch.
 *
 * The main side keeps no model state but each model's count of running generations, so `busySlots()` stays
 * synchronous; the thread's own slot check is the one that refuses (NO_CAPACITY). Errors come back with their
 * name, code and message (messages.ts); if the thread dies, everything pending fails with ENGINE_UNAVAILABLE.
 */
import { Worker } from 'node:worker_threads'
import { pino, type Logger } from 'pino'
import { ModelClosedError } from '../errors.js'
import { normalizeRequest } from '../request.js'
import type { DeviceInfo, FitOptions, GenerateEvent, GenerateRequest, InferenceEngine, LoadedModel, LoadOptions, ModelInfo } from '../engine.js'
import { reviveError, threadGone, type EngineCall, type EngineThreadData, type FromThread, type LoadedReply, type ToThread } from './messages.js'

export interface ThreadedEngineInit {
  /** `'auto'` uses a GPU when node-llama-cpp finds one; `false` forces CPU. @default 'auto' */
  gpu?: 'auto' | false
  logger?: Logger
  /** Token events of a generation cross to this thread at most once per this many ms (the first at once). @default 0 */
  batchMs?: number
  /** @internal The thread's script (tests give one that misbehaves). @default engine-thread.js */
  threadScript?: URL
}

type StreamMessage = Extract<FromThread, { op: 'tokens' | 'done' | 'failed' }>

interface Pending { resolve: (value: unknown) => void, reject: (err: Error) => void, onProgress?: LoadOptions['onProgress'] }

interface Stream { push: (msg: StreamMessage) => void, fail: (err: Error) => void }

export class ThreadedEngine implements InferenceEngine {
  private readonly worker: Worker
  private readonly log: Logger
  private readonly pending = new Map<number, Pending>()
  private readonly streams = new Map<number, Stream>()
  private readonly started: Promise<number | undefined>
  private nextId = 1
  private gone?: Error

  constructor (init: ThreadedEngineInit = {}) {
    this.log = init.logger ?? pino({ level: 'silent' })
    const data: EngineThreadData = { gpu: init.gpu, logLevel: this.log.level, batchMs: init.batchMs ?? 0 }
    this.worker = new Worker(init.threadScript ?? new URL('./engine-thread.js', import.meta.url), { workerData: data })
    let ready!: (tid: number | undefined) => void
    this.started = new Promise(resolve => { ready = resolve })
    this.worker.on('message', (msg: FromThread) => {
      if (msg.op === 'ready') ready(msg.tid)
      else this.receive(msg)
    })
    this.worker.on('error', (err) => { this.end(threadGone(err.message)) })
    this.worker.on('exit', (code) => {
      ready(undefined)
      this.end(threadGone(`exited with code ${code}`))
    })
  }

  /** The engine thread's Linux thread id once it runs (undefined off Linux or if it died): pin it with taskset. */
  async threadId (): Promise<number | undefined> {
    return await this.started
  }

  async device (): Promise<DeviceInfo> {
    return await this.call({ method: 'device' }) as DeviceInfo
  }

  async checkFits (path: string, opts?: FitOptions): Promise<void> {
    await this.call({ method: 'checkFits', path, opts })
  }

  async load (path: string, opts: LoadOptions = {}): Promise<LoadedModel> {
    const { onProgress, signal, ...rest } = opts
    const reply = await this.call({ method: 'load', path, opts: { ...rest, progress: onProgress != null } }, { onProgress, signal }) as LoadedReply
    return new ThreadedModel(this, reply)
  }

  async close (): Promise<void> {
    if (this.gone == null) await this.call({ method: 'close' }).catch(() => {})
    this.gone ??= threadGone('engine closed')
    await this.worker.terminate()
  }

  /** @internal */
  call (call: EngineCall, opts: { onProgress?: LoadOptions['onProgress'], signal?: AbortSignal } = {}): Promise<unknown> {
    if (this.gone != null) return Promise.reject(this.gone)
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      const onAbort = (): void => { this.post({ op: 'abort', id }) }
      opts.signal?.addEventListener('abort', onAbort, { once: true })
      const done = (): void => { opts.signal?.removeEventListener('abort', onAbort) }
      this.pending.set(id, {
        resolve: (v) => { done(); resolve(v) },
        reject: (e) => { done(); reject(e) },
        onProgress: opts.onProgress
      })
      this.post({ op: 'call', id, call })
      if (opts.signal?.aborted === true) onAbort()
    })
  }

  /** @internal Starts a generation on the thread; its messages go to `stream` until its end. */
  startGeneration (handle: number, req: GenerateRequest, stream: Stream): number {
    if (this.gone != null) throw this.gone
    const id = this.nextId++
    this.streams.set(id, stream)
    this.post({ op: 'generate', id, handle, req })
    return id
  }

  /** @internal */
  cancelGeneration (id: number): void {
    if (this.streams.has(id)) this.post({ op: 'cancel', id })
  }

  private post (msg: ToThread): void {
    this.worker.postMessage(msg)
  }

  private receive (msg: Exclude<FromThread, { op: 'ready' }>): void {
    switch (msg.op) {
      case 'log':
        this.relayLog(msg.line)
        break
      case 'progress':
        this.pending.get(msg.id)?.onProgress?.(msg.progress)
        break
      case 'result':
      case 'error': {
        const p = this.pending.get(msg.id)
        this.pending.delete(msg.id)
        if (msg.op === 'result') p?.resolve(msg.value)
        else p?.reject(reviveError(msg.error))
        break
      }
      default: {
        const stream = this.streams.get(msg.id)
        if (msg.op !== 'tokens') this.streams.delete(msg.id)
        stream?.push(msg)
      }
    }
  }

  private relayLog (line: string): void {
    try {
      const { level, msg, time: _time, ...fields } = JSON.parse(line) as Record<string, unknown>
      const label = typeof level === 'number' ? this.log.levels.labels[level] : undefined
      const write = label != null ? (this.log as unknown as Record<string, (obj: object, msg?: string) => void>)[label] : undefined
      if (typeof write === 'function') write.call(this.log, fields, typeof msg === 'string' ? msg : undefined)
    } catch {
      this.log.warn({ line }, 'unreadable log line from the engine thread')
    }
  }

  private end (err: Error): void {
    this.gone ??= err
    for (const p of this.pending.values()) p.reject(this.gone)
    this.pending.clear()
    for (const s of this.streams.values()) s.fail(this.gone)
    this.streams.clear()
  }
}

/** A model loaded in the engine thread. */
class ThreadedModel implements LoadedModel {
  readonly info: ModelInfo
  readonly slots: number
  private readonly engine: ThreadedEngine
  private readonly handle: number
  private running = 0
  private closed?: Promise<void>

  constructor (engine: ThreadedEngine, reply: LoadedReply) {
    this.engine = engine
    this.handle = reply.handle
    this.info = reply.info
    this.slots = reply.slots
  }

  /** Generations started and not yet ended in the thread (a cancelled one counts until the thread confirms). */
  busySlots (): number {
    return Math.min(this.running, this.slots)
  }

  generate (req: GenerateRequest, signal?: AbortSignal): AsyncIterable<GenerateEvent> {
    if (this.closed != null) throw new ModelClosedError(this.info.id)
    normalizeRequest(req) // bad input fails here, before any iteration, as in the thread's engine
    return this.run(req, signal)
  }

  private async * run (req: GenerateRequest, signal?: AbortSignal): AsyncGenerator<GenerateEvent, void, undefined> {
    if (this.closed != null) throw new ModelClosedError(this.info.id)
    const inbox: StreamMessage[] = []
    let failure: Error | undefined
    let wake: (() => void) | undefined
    let ended = false
    const id = this.engine.startGeneration(this.handle, req, {
      push: (msg) => {
        if (msg.op !== 'tokens') { ended = true; this.running-- }
        inbox.push(msg)
        wake?.()
      },
      fail: (err) => {
        if (!ended) { ended = true; this.running-- }
        failure = err
        wake?.()
      }
    })
    this.running++
    const onAbort = (): void => { this.engine.cancelGeneration(id) }
    signal?.addEventListener('abort', onAbort, { once: true })
    if (signal?.aborted === true) onAbort()
    try {
      while (true) {
        const msg = inbox.shift()
        if (msg == null) {
          if (failure != null) throw failure
          await new Promise<void>(resolve => { wake = resolve })
          wake = undefined
          continue
        }
        if (msg.op === 'tokens') {
          yield { type: 'token', text: msg.text }
        } else if (msg.op === 'done') {
          if (msg.text !== '') yield { type: 'token', text: msg.text }
          yield { type: 'done', finishReason: msg.finishReason, usage: msg.usage }
          return
        } else {
          throw reviveError(msg.error)
        }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort)
      // A consumer that stopped early: the thread stops generating; the slot counts as busy until it has.
      if (!ended) this.engine.cancelGeneration(id)
    }
  }

  async close (): Promise<void> {
    this.closed ??= this.engine.call({ method: 'closeModel', handle: this.handle }).then(() => {})
    await this.closed
  }
}
