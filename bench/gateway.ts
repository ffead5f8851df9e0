/**
 * Gateway overhead: what HTTP + SSE (server and the shipped fetch client) add on top of
 * iterating the ChatBackend directly, with a backend that yields its tokens instantly so that
 * only the gateway's own cost is measured.
 *
 * Figures: first-token latency p50/p99 (one request per sample, keep-alive connection), and
 * tokens/s on long streams, both ways; per-token and first-token overhead derived from them.
 */
import { startGateway } from '../node/http/gateway.js'
import { streamChat } from '../node/http/sse-client.js'
import type { BackendModel, ChatBackend, ChatEvent, ChatRequest } from '../node/http/backend.js'

const FIRST_TOKEN_SAMPLES = 300
const STREAM_TOKENS = 20_000
const STREAM_RUNS = 5
const WARMUP_REQUESTS = 30

/** Yields `maxTokens` (default 1) short tokens with no delay. */
class InstantBackend implements ChatBackend {
  async models (): Promise<BackendModel[]> { return [{ id: 'instant', workers: 1 }] }

  async * chat (req: ChatRequest, _signal: AbortSignal): AsyncGenerator<ChatEvent> {
    const n = req.maxTokens ?? 1
    for (let i = 0; i < n; i++) yield { type: 'token', text: ' tok' }
    yield { type: 'done', finishReason: 'length', usage: { promptTokens: 1, completionTokens: n } }
  }
}

export async function run (): Promise<Record<string, number | string>> {
  const backend = new InstantBackend()
  const gateway = await startGateway({ backend, port: 0 })
  const messages = [{ role: 'user' as const, content: 'hi' }]
  try {
    const direct = async (maxTokens: number): Promise<{ firstMs: number, totalMs: number }> => {
      const t0 = performance.now()
      let first = -1
      for await (const event of backend.chat({ model: 'instant', messages, maxTokens }, new AbortController().signal)) {
        if (first < 0 && event.type === 'token') first = performance.now() - t0
      }
      return { firstMs: first, totalMs: performance.now() - t0 }
    }
    const viaGateway = async (maxTokens: number): Promise<{ firstMs: number, totalMs: number }> => {
      const t0 = performance.now()
      let first = -1
      for await (const _delta of streamChat({ url: gateway.url, model: 'instant', messages, maxTokens })) {
        if (first < 0) first = performance.now() - t0
      }
      return { firstMs: first, totalMs: performance.now() - t0 }
    }

    for (let i = 0; i < WARMUP_REQUESTS; i++) { await direct(10); await viaGateway(10) }

    const directFirst: number[] = []
    const gatewayFirst: number[] = []
    for (let i = 0; i < FIRST_TOKEN_SAMPLES; i++) {
      directFirst.push((await direct(1)).firstMs)
      gatewayFirst.push((await viaGateway(1)).firstMs)
    }

    let directMs = 0
    let gatewayMs = 0
    for (let i = 0; i < STREAM_RUNS; i++) {
      directMs += (await direct(STREAM_TOKENS)).totalMs
      gatewayMs += (await viaGateway(STREAM_TOKENS)).totalMs
    }
    const tokens = STREAM_TOKENS * STREAM_RUNS
    const gatewayFirstP50 = percentile(gatewayFirst, 50)
    const directFirstP50 = percentile(directFirst, 50)
    return {
      firstTokenSamples: FIRST_TOKEN_SAMPLES,
      streamTokens: tokens,
      directFirstTokenP50Ms: round(directFirstP50, 4),
      directFirstTokenP99Ms: round(percentile(directFirst, 99), 4),
      gatewayFirstTokenP50Ms: round(gatewayFirstP50, 3),
      gatewayFirstTokenP99Ms: round(percentile(gatewayFirst, 99), 3),
      firstTokenOverheadP50Ms: round(gatewayFirstP50 - directFirstP50, 3),
      directTokensPerSecond: Math.round(tokens / (directMs / 1000)),
      gatewayTokensPerSecond: Math.round(tokens / (gatewayMs / 1000)),
      perTokenOverheadUs: round(((gatewayMs - directMs) / tokens) * 1000, 2)
    }
  } finally {
    await gateway.close()
  }
}

function percentile (values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

function round (value: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
