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
    const jobSignal = signal == null ? this.closing.signal : AbortSignal.any([signal, this.closing.signal])
    let finished!: () => void
    const job = new Promise<void>(resolve => { finished = resolve })
    this.running.add(job)
    try {
      yield * generateOnSequence(this.model, sequence, plan, req, jobSignal)
    } finally {
      this.free.push(sequence)
      this.running.delete(job)
      finished()
    }
  }

  async close (): Promise<void> {
    this.closed ??= (async () => {
      this.closing.abort()
      // A consumer that stopped iterating without returning leaves its job suspended forever;
      // wait a bounded time, then dispose anyway (node-llama-cpp rejects that job's evaluation).
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        Promise.all(this.running),
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
