/**
 * A worker's own speed, measured at start and announced in capacity: a short warm-up, then one
 * greedy generation timed from request to first token and from first token to the end.
 */
import { SPEED_PROMPT, SPEED_TOKENS, SPEED_WARMUP_TOKENS } from './constants.js'
import type { GenerateRequest, LoadedModel } from './engine.js'

export interface SpeedMeasurement {
  /** Decode speed: tokens after the first, per second of generation after the first token. */
  tokensPerSecond: number
  /** Time from the request to the first token (prompt evaluation + one decode), in ms. */
  firstTokenMs: number
}

/** One generation, timed: ms to the first token, ms in all, and completion tokens. */
export async function timedRun (model: LoadedModel, req: GenerateRequest): Promise<{ firstMs: number, totalMs: number, tokens: number }> {
  const start = performance.now()
  let first: number | undefined
  let tokens = 0
  for await (const ev of model.generate(req)) {
    if (ev.type === 'token') first ??= performance.now()
    else tokens = ev.usage.completionTokens
  }
  const end = performance.now()
  return { firstMs: (first ?? end) - start, totalMs: end - start, tokens }
}

export async function measureSpeed (model: LoadedModel, tokens = SPEED_TOKENS): Promise<SpeedMeasurement> {
  await timedRun(model, { prompt: SPEED_PROMPT, maxTokens: SPEED_WARMUP_TOKENS })
  const run = await timedRun(model, { prompt: SPEED_PROMPT, maxTokens: tokens })
  const decodeMs = run.totalMs - run.firstMs
  return {
    tokensPerSecond: run.tokens > 1 && decodeMs > 0 ? (run.tokens - 1) / (decodeMs / 1000) : 0,
    firstTokenMs: run.firstMs
  }
}
