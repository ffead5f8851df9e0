/** Timing of one streamed answer, whatever produced it (engine, light client, gateway). */

export interface StreamTiming {
  firstTokenMs: number
  totalMs: number
  /** Completion tokens (from the usage at the end where there is one, else streamed pieces). */
  tokens: number
  text: string
}

type StreamEvent = { type: 'token', text: string } | { type: 'done', usage: { completionTokens: number } }

/** Consumes a stream of token/done events (the engine's and the light client's shape) and times it. */
export async function timeEvents (start: () => AsyncIterable<StreamEvent>): Promise<StreamTiming> {
  const t0 = performance.now()
  let first = -1
  let tokens = 0
  let text = ''
  for await (const ev of start()) {
    if (ev.type === 'token') {
      if (first < 0) first = performance.now() - t0
      text += ev.text
    } else {
      tokens = ev.usage.completionTokens
    }
  }
  return { firstTokenMs: first, totalMs: performance.now() - t0, tokens, text }
}

/** Times a stream of text deltas (the gateway's SSE client). `tokens` counts deltas, and a delta carries every token the worker coalesced into one chunk: use it for the first token, not for tokens/s. */
export async function timeDeltas (start: () => AsyncIterable<string>): Promise<StreamTiming> {
  const t0 = performance.now()
  let first = -1
  let tokens = 0
  let text = ''
  for await (const delta of start()) {
    if (first < 0) first = performance.now() - t0
    tokens++
    text += delta
  }
  return { firstTokenMs: first, totalMs: performance.now() - t0, tokens, text }
}

/** Tokens per second over whole answers (request to last token), summed over runs. */
export function tokensPerSecond (runs: StreamTiming[]): number {
  const tokens = runs.reduce((n, r) => n + r.tokens, 0)
  const seconds = runs.reduce((n, r) => n + r.totalMs, 0) / 1000
  return tokens / seconds
}

/** Tokens per second after the first token: the streaming rate, without the first-token latency. */
export function streamingTokensPerSecond (runs: StreamTiming[]): number {
  const tokens = runs.reduce((n, r) => n + Math.max(0, r.tokens - 1), 0)
  const seconds = runs.reduce((n, r) => n + (r.totalMs - r.firstTokenMs), 0) / 1000
  return tokens / seconds
}
