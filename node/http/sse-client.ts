/**
 * A minimal client of an OpenAI-compatible gateway over plain fetch: stream a chat completion as
 * text deltas, list models. Used by `cocoon chat` and by launchers for their sample prompt;
 * apps should use any OpenAI SDK instead.
 */
import { GatewayError, GatewayProtocolError, GatewayUnreachableError } from './client-errors.js'
import { parseSse } from './sse-parser.js'
import type { ChatMessage } from './backend.js'

export interface StreamChatOptions {
  /** Gateway base URL, with or without the trailing `/v1`, e.g. `http://127.0.0.1:8080`. */
  url: string
  apiKey?: string
  model: string
  messages: ChatMessage[]
  maxTokens?: number
  temperature?: number
  /** Aborting it cancels the request, and the gateway cancels the job. */
  signal?: AbortSignal
}

export interface ListModelsOptions { url: string, apiKey?: string, signal?: AbortSignal }

/** A `/v1/models` entry as the Cocoon gateway writes it (OpenAI's fields plus Cocoon's). */
export interface GatewayModel {
  id: string
  object: 'model'
  owned_by?: string
  workers?: number
  name?: string
  context_length?: number
  price_nano_ton_per_token?: string
}

/**
 * Streams one chat completion, yielding each text delta as it arrives. Throws GatewayError with
 * the server's code when the gateway refuses or fails the job (before or during the stream),
 * GatewayUnreachableError when nothing answers. Leaving the loop early cancels the request.
 */
export async function * streamChat (options: StreamChatOptions): AsyncGenerator<string> {
  const local = new AbortController()
  const signal = options.signal != null ? AbortSignal.any([options.signal, local.signal]) : local.signal
  const body: Record<string, unknown> = { model: options.model, messages: options.messages, stream: true }
  if (options.maxTokens != null) body.max_tokens = options.maxTokens
  if (options.temperature != null) body.temperature = options.temperature
  try {
    const res = await call(options.url, '/chat/completions', {
      method: 'POST',
      headers: { ...headers(options.apiKey), 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify(body),
      signal
    })
    if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream') || res.body == null) {
      throw new GatewayProtocolError(`expected an event stream, got '${res.headers.get('content-type') ?? 'no content type'}'`)
    }
    try {
      // Node's web streams are async iterable; the DOM lib typings do not say so
      for await (const event of parseSse(res.body as unknown as AsyncIterable<Uint8Array>)) {
        if (event.data === '[DONE]') return
        const delta = readChunk(event.data)
        if (delta !== '') yield delta
      }
    } catch (err) {
      if (signal.aborted || err instanceof GatewayError || err instanceof GatewayProtocolError) throw err
      throw new GatewayProtocolError(`the connection to the gateway broke mid-stream: ${(err as Error).message}`, { cause: err })
    }
    throw new GatewayProtocolError('the stream ended before [DONE]')
  } finally {
    // cancels the response body if the caller stopped early; a no-op after a clean end
    local.abort()
  }
}

export async function listModels (options: ListModelsOptions): Promise<GatewayModel[]> {
  const res = await call(options.url, '/models', { headers: headers(options.apiKey), signal: options.signal })
  const body = await readJson(res) as { data?: unknown }
  if (!Array.isArray(body.data)) throw new GatewayProtocolError('/v1/models answer has no data array')
  return body.data as GatewayModel[]
}

/** `http://h:p`, `http://h:p/`, `http://h:p/v1` all mean the same gateway. */
export function apiBase (url: string): string {
  const trimmed = url.replace(/\/+$/, '')
  return trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`
}

function headers (apiKey: string | undefined): Record<string, string> {
  return apiKey != null && apiKey !== '' ? { Authorization: `Bearer ${apiKey}` } : {}
}

/** fetch, with "nothing answered" and "answered with an error" turned into typed errors. */
async function call (url: string, path: string, init: RequestInit): Promise<Response> {
  let res: Response
  try {
    res = await fetch(apiBase(url) + path, init)
  } catch (err) {
    if (init.signal?.aborted === true) throw err
    throw new GatewayUnreachableError(url, { cause: err })
  }
  if (res.ok) return res
  const text = await res.text().catch(() => '')
  let parsed: { error?: { code?: unknown, message?: unknown, type?: unknown, param?: unknown } } | undefined
  try { parsed = JSON.parse(text) } catch { parsed = undefined }
  const e = parsed?.error
  if (e == null) throw new GatewayError(`HTTP_${res.status}`, text !== '' ? text.slice(0, 200) : `HTTP ${res.status}`, { status: res.status })
  throw errorFromBody(e, res.status)
}

async function readJson (res: Response): Promise<unknown> {
  try {
    return await res.json()
  } catch (err) {
    throw new GatewayProtocolError(`the gateway sent invalid JSON: ${(err as Error).message}`, { cause: err })
  }
}

/** One chunk's text delta ('' for role/finish/usage chunks); an error event throws. */
function readChunk (data: string): string {
  let chunk: { error?: Record<string, unknown>, choices?: Array<{ delta?: { content?: unknown }, text?: unknown }> }
  try {
    chunk = JSON.parse(data)
  } catch {
    throw new GatewayProtocolError(`the gateway sent an event that is not JSON: ${data.slice(0, 100)}`)
  }
  if (chunk.error != null) throw errorFromBody(chunk.error, undefined)
  const content = chunk.choices?.[0]?.delta?.content
  return typeof content === 'string' ? content : ''
}

function errorFromBody (e: { code?: unknown, message?: unknown, type?: unknown, param?: unknown }, status: number | undefined): GatewayError {
  const code = typeof e.code === 'string' ? e.code : status != null ? `HTTP_${status}` : 'UNKNOWN'
  return new GatewayError(code, typeof e.message === 'string' ? e.message : code, {
    status,
    type: typeof e.type === 'string' ? e.type : undefined,
    param: typeof e.param === 'string' ? e.param : null
  })
}
