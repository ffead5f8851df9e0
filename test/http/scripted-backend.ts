/**
 * A test double of the ChatBackend: yields a scripted token sequence, can fail before or in the
 * middle of a job, and records requests and aborts. The real backend (the Cocoon light client)
 * is tested end to end by the client node's own tests.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { CocoonError } from '../../protocols/common/errors.js'
import type { BackendModel, ChatBackend, ChatEvent, ChatRequest } from '../../node/http/backend.js'

export interface ScriptedBackendOptions {
  tokens?: string[]
  /** Pause before each token, to leave time to disconnect mid-stream. @default 0 */
  tokenDelayMs?: number
  models?: BackendModel[]
  /** Thrown before any event for requests to that model id. */
  failBefore?: Record<string, CocoonError>
  /** Thrown after `afterTokens` tokens for requests to that model id. */
  failAfter?: Record<string, { afterTokens: number, error: CocoonError }>
  finishReason?: 'stop' | 'length'
  promptTokens?: number
  costNano?: string
}

export class ScriptedBackend implements ChatBackend {
  readonly requests: ChatRequest[] = []
  /** Reasons of the signals that were aborted, in order. */
  readonly abortReasons: unknown[] = []
  /** Tokens actually handed out, over all jobs. */
  tokensYielded = 0
  private readonly options: ScriptedBackendOptions
  private abortWaiters: Array<(reason: unknown) => void> = []

  constructor (options: ScriptedBackendOptions = {}) {
    this.options = options
  }

  get tokens (): string[] {
    return this.options.tokens ?? ['Hello', ',', ' world', '!']
  }

  /** Resolves with the abort reason of the next aborted job (or the last one, if already aborted). */
  async nextAbort (): Promise<unknown> {
    if (this.abortReasons.length > 0) return this.abortReasons[this.abortReasons.length - 1]
    return await new Promise(resolve => this.abortWaiters.push(resolve))
  }

  async models (): Promise<BackendModel[]> {
    return this.options.models ?? [{ id: 'tiny', name: 'Tiny test model', workers: 2, contextLength: 512, priceNanoPerToken: '1000' }]
  }

  async * chat (req: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatEvent> {
    this.requests.push(req)
    signal.addEventListener('abort', () => {
      this.abortReasons.push(signal.reason)
      for (const resolve of this.abortWaiters.splice(0)) resolve(signal.reason)
    }, { once: true })
    const known = (await this.models()).some(m => m.id === req.model)
    const before = this.options.failBefore?.[req.model]
    if (before != null) throw before
    if (!known) throw new CocoonError('UNKNOWN_MODEL', `model '${req.model}' is not served`)
    const after = this.options.failAfter?.[req.model]
    const limit = req.maxTokens ?? Infinity
    let count = 0
    for (const text of this.tokens) {
      if (count >= limit) break
      if (after != null && count === after.afterTokens) throw after.error
      if ((this.options.tokenDelayMs ?? 0) > 0) await sleep(this.options.tokenDelayMs, undefined, { signal })
      if (signal.aborted) throw new CocoonError('CANCELLED', 'job cancelled')
      count++
      this.tokensYielded++
      yield { type: 'token', text }
    }
    yield {
      type: 'done',
      finishReason: count < this.tokens.length ? 'length' : this.options.finishReason ?? 'stop',
      usage: { promptTokens: this.options.promptTokens ?? 7, completionTokens: count },
      ...(this.options.costNano != null ? { cost: { amountNano: this.options.costNano } } : {})
    }
  }
}
