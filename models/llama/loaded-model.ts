/**
 * A GGUF loaded in node-llama-cpp with one context of N sequences: each sequence is a slot that
 * runs one job at a time; jobs on different slots run concurrently and are batched together by
 * the context.
 */
import { pino, type Logger } from 'pino'
import type { ChatWrapper, LlamaContext, LlamaContextSequence, LlamaModel } from 'node-llama-cpp'
import { CLOSE_GRACE_MS } from '../constants.js'
import { ContextOverflowError, ModelBusyError, ModelClosedError } from '../errors.js'
import { normalizeRequest } from '../request.js'
import { generateOnSequence } from './generation.js'
import { planPrompt } from './prompt.js'
import type { GenerateEvent, GenerateRequest, LoadedModel, ModelInfo } from '../engine.js'

export class LlamaLoadedModel implements LoadedModel {
  readonly info: ModelInfo
  readonly slots: number
  private readonly model: LlamaModel
  private readonly context: LlamaContext
  private readonly chatWrapper: ChatWrapper
  private readonly log: Logger
  private readonly free: LlamaContextSequence[]
  private readonly running = new Set<Promise<void>>()
  /** Clears of finished jobs' tokens still in progress, by slot (see release). */
  private readonly clearing = new Map<LlamaContextSequence, Promise<void>>()
  /** Aborted by close() so running jobs end promptly. */
  private readonly closing = new AbortController()
  private closed?: Promise<void>

  /** Called once when the model is closed, so its engine stops tracking it. */
  private readonly onClosed?: () => void

  constructor (info: ModelInfo, model: LlamaModel, context: LlamaContext, chatWrapper: ChatWrapper, logger?: Logger, onClosed?: () => void) {
    this.info = info
    this.onClosed = onClosed
    this.model = model
    this.context = context
    this.chatWrapper = chatWrapper
    this.log = logger ?? pino({ level: 'silent' })
    this.slots = context.totalSequences
    this.free = Array.from({ length: this.slots }, () => context.getSequence())
  }

  busySlots (): number {
    return this.slots - this.free.length
  }

  generate (req: GenerateRequest, signal?: AbortSignal): AsyncIterable<GenerateEvent> {
    if (this.closed != null) throw new ModelClosedError(this.info.id)
    const normalized = normalizeRequest(req) // bad input fails here, before any iteration
    return this.run(normalized, signal)
  }

  private async * run (req: ReturnType<typeof normalizeRequest>, signal?: AbortSignal): AsyncGenerator<GenerateEvent, void, undefined> {
    if (this.closed != null) throw new ModelClosedError(this.info.id)
    const plan = planPrompt(this.model, this.chatWrapper, req)
    if (plan.tokens.length + req.maxTokens > this.info.contextLength) {
      throw new ContextOverflowError(plan.tokens.length, req.maxTokens, this.info.contextLength)
    }
    const sequence = this.free.pop()
    if (sequence == null) throw new ModelBusyError(this.info.id, this.slots)
    await this.clearing.get(sequence)
    const jobSignal = signal == null ? this.closing.signal : AbortSignal.any([signal, this.closing.signal])
    let finished!: () => void
    const job = new Promise<void>(resolve => { finished = resolve })
    this.running.add(job)
    try {
      yield * generateOnSequence(this.model, sequence, plan, req, jobSignal)
    } finally {
      this.release(sequence)
      this.running.delete(job)
      finished()
    }
  }

  /**
   * Frees a slot and clears its tokens at once, in the background, rather than when its next job
   * starts. Clearing takes node-llama-cpp's context lock, which the batch dispatcher keeps as long
   * as other sequences have decodes queued: a job that cleared its slot on start waited, without a
   * token, until a running job ended (measured: with 3 jobs decoding, a 4th started 9 ms after the
   * first produced nothing until one of them ended). The slot is free at once; a job that takes it
   * before the clear is done waits for it, as it would have waited for its own clear.
   */
  private release (sequence: LlamaContextSequence): void {
    this.free.push(sequence)
    if (sequence.nextTokenIndex === 0 || this.closed != null) return
    const cleared = sequence.clearHistory()
      .catch((err: unknown) => { this.log.debug({ model: this.info.id, err }, 'clearing a slot failed; its next job clears it') })
      .finally(() => { this.clearing.delete(sequence) })
    this.clearing.set(sequence, cleared)
  }

  async close (): Promise<void> {
    this.closed ??= (async () => {
      this.closing.abort()
      // A consumer that stopped iterating without returning leaves its job suspended forever;
      // wait a bounded time, then dispose anyway (node-llama-cpp rejects that job's evaluation).
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        Promise.all(this.running).then(async () => await Promise.all(this.clearing.values())),
        new Promise(resolve => { timer = setTimeout(resolve, CLOSE_GRACE_MS) })
      ])
      clearTimeout(timer)
      try {
        await this.context.dispose()
        await this.model.dispose()
      } finally {
        this.onClosed?.()
      }
      this.log.debug({ model: this.info.id }, 'model closed')
    })()
    return await this.closed
  }
}
