/**
 * A worker's own speed, measured at start and announced in capacity: a short warm-up, then greedy generations
 * timed from request to first token and from first token to the end, the best of them kept.
 */
import { SPEED_MAX_RUNS, SPEED_MIN_MS, SPEED_PROMPT, SPEED_TOKENS, SPEED_WARMUP_TOKENS } from './constants.js'
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

/**
 * Runs the measurement until SPEED_MIN_MS have passed in timed runs (at least one, at most SPEED_MAX_RUNS) and
 * keeps the fastest decode and the quickest first token: what the model does when the machine lets it.
 */
export async function measureSpeed (model: LoadedModel, tokens = SPEED_TOKENS): Promise<SpeedMeasurement> {
  await timedRun(model, { prompt: SPEED_PROMPT, maxTokens: SPEED_WARMUP_TOKENS })
  let best: SpeedMeasurement | undefined
  let spentMs = 0
  for (let i = 0; i < SPEED_MAX_RUNS && (i === 0 || spentMs < SPEED_MIN_MS); i++) {
    const run = await timedRun(model, { prompt: SPEED_PROMPT, maxTokens: tokens })
    spentMs += run.totalMs
    const decodeMs = run.totalMs - run.firstMs
    const tokensPerSecond = run.tokens > 1 && decodeMs > 0 ? (run.tokens - 1) / (decodeMs / 1000) : 0
    best = best == null
      ? { tokensPerSecond, firstTokenMs: run.firstMs }
      : { tokensPerSecond: Math.max(best.tokensPerSecond, tokensPerSecond), firstTokenMs: Math.min(best.firstTokenMs, run.firstMs) }
  }
  return best!
}
