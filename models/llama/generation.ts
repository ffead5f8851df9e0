/**
 * One generation on one context sequence: evaluates the prompt, samples tokens, turns them into
 * text (holding back bytes of unfinished UTF-8 characters and possible stop sequences), counts
 * tokens, and stops on end-of-generation, a stop sequence, maxTokens or the abort signal.
 * node-llama-cpp batches the sequences of one context that evaluate at the same time.
 */
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp'
import { MAX_PENDING_UTF8_TOKENS } from '../constants.js'
import { StopMatcher } from '../stop-matcher.js'
import type { FinishReason, GenerateEvent } from '../engine.js'
import type { NormalizedRequest } from '../request.js'
import type { PromptPlan } from './prompt.js'

/** Tokens of left context given to the detokenizer so leading spaces come out right. */
const DETOKENIZE_CONTEXT_TOKENS = 8

const ABORTED = Symbol('aborted')

// A function, so TypeScript does not carry the narrowing of an earlier check across awaits.
function isAborted (signal?: AbortSignal): boolean { return signal?.aborted === true }

function abortPromise (signal?: AbortSignal): { promise: Promise<typeof ABORTED>, dispose: () => void } {
  if (signal == null) return { promise: new Promise(() => {}), dispose: () => {} }
  let onAbort = (): void => {}
  const promise = new Promise<typeof ABORTED>(resolve => {
    onAbort = () => resolve(ABORTED)
    if (signal.aborted) resolve(ABORTED)
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) }
}

export async function * generateOnSequence (
  model: LlamaModel,
  sequence: LlamaContextSequence,
  plan: PromptPlan,
  req: NormalizedRequest,
  signal?: AbortSignal
): AsyncGenerator<GenerateEvent, void, undefined> {
  const usage = { promptTokens: plan.tokens.length, completionTokens: 0 }
  if (signal?.aborted === true) {
    yield { type: 'done', finishReason: 'cancelled', usage }
    return
  }
  // The slot's previous job is normally cleared already (see LlamaLoadedModel.release); clearing
  // takes node-llama-cpp's context lock, so it is skipped when there is nothing to clear.
  if (sequence.nextTokenIndex > 0) await sequence.clearHistory()
  const matcher = new StopMatcher([...req.stop, ...plan.stopTexts])
  const iterator = sequence.evaluate(plan.tokens, {
    temperature: req.temperature,
    topP: req.topP,
    seed: req.seed,
    yieldEogToken: false
  })
  const aborted = abortPromise(signal)
  const context: Token[] = plan.tokens.slice(-DETOKENIZE_CONTEXT_TOKENS)
  const pending: Token[] = []
  let inFlight: Promise<IteratorResult<Token, void>> | undefined
  let finishReason: FinishReason = 'length'
  let matchedStop = false
  try {
    while (usage.completionTokens < req.maxTokens) {
      inFlight = iterator.next()
      // Racing the abort lets a cancel return at once even while a slow token is being computed.
      const result = await Promise.race([inFlight, aborted.promise])
      if (result === ABORTED) { finishReason = 'cancelled'; break }
      inFlight = undefined
      if (result.done === true) { finishReason = 'stop'; break } // end-of-generation token
      const token = result.value
      if (plan.stopTokens.has(token)) { finishReason = 'stop'; break }
      usage.completionTokens++
      pending.push(token)
      const text = model.detokenize(pending, false, context)
      const last = usage.completionTokens >= req.maxTokens
      if (text.endsWith('\uFFFD') && pending.length < MAX_PENDING_UTF8_TOKENS && !last) continue
      context.push(...pending)
      context.splice(0, Math.max(0, context.length - DETOKENIZE_CONTEXT_TOKENS))
      pending.length = 0
      const match = matcher.push(text)
      if (match.text !== '') yield { type: 'token', text: match.text }
      if (match.stopped) { finishReason = 'stop'; matchedStop = true; break }
      if (isAborted(signal)) { finishReason = 'cancelled'; break }
    }
    if (finishReason !== 'cancelled' && !matchedStop) {
      const rest = matcher.push(pending.length > 0 ? model.detokenize(pending, false, context) : '')
      const tail = rest.stopped ? rest.text : rest.text + matcher.flush()
      if (rest.stopped) finishReason = 'stop'
      if (tail !== '') yield { type: 'token', text: tail }
    }
    yield { type: 'done', finishReason, usage }
  } finally {
    aborted.dispose()
    // The sequence must be idle before it is handed to the next job.
    if (inFlight != null) await inFlight.catch(() => undefined)
    await iterator.return(undefined).catch(() => undefined)
  }
}
