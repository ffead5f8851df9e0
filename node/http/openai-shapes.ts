/**
 * The JSON objects OpenAI's API returns, built from backend events. Field names and nesting
 * follow OpenAI's published schema (chat.completion, chat.completion.chunk, text_completion)
 * so that unmodified SDKs and UIs parse them.
 */
import { randomBytes } from 'node:crypto'
import { CHAT_ID_PREFIX, COMPLETION_ID_PREFIX, MODEL_OWNER } from './constants.js'
import type { BackendModel, ChatEvent } from './backend.js'

export type DoneEvent = Extract<ChatEvent, { type: 'done' }>

export interface OpenAIUsage { prompt_tokens: number, completion_tokens: number, total_tokens: number }

/** What stays the same across every object of one response. */
export interface ResponseIdentity {
  id: string
  /** Unix seconds. */
  created: number
  model: string
}

/** One endpoint's way of writing a whole answer, its stream chunks, and its usage. */
export interface ResponseFormat {
  /** The non-streaming response body. */
  full (text: string, done: DoneEvent): object
  /** Chunk sent before any token (chat announces the assistant role), or null. */
  opening (): object | null
  token (text: string): object
  /** Chunk that carries the finish reason. */
  closing (done: DoneEvent): object
  /** Extra last chunk with usage and no choices, for `stream_options.include_usage`. */
  usage (done: DoneEvent): object
}

export function newIdentity (prefix: string, model: string, nowMs: number): ResponseIdentity {
  // 24 random bytes, base64url: as unguessable as OpenAI's ids and safe in URLs and logs
  return { id: prefix + randomBytes(18).toString('base64url'), created: Math.floor(nowMs / 1000), model }
}

export function toUsage (done: DoneEvent): OpenAIUsage {
  const { promptTokens, completionTokens } = done.usage
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens }
}

/** Cocoon's addition: what the job cost, in nanoTON, when the backend knows it. */
function costField (done: DoneEvent): { cost?: { amount_nano_ton: string } } {
  return done.cost != null ? { cost: { amount_nano_ton: done.cost.amountNano } } : {}
}

/**
 * `/v1/chat/completions`. With include_usage every chunk carries `usage: null` and a last chunk
 * with empty `choices` carries the totals, exactly as OpenAI streams it.
 */
export function chatFormat (model: string, nowMs: number, includeUsage: boolean): ResponseFormat & { identity: ResponseIdentity } {
  const identity = newIdentity(CHAT_ID_PREFIX, model, nowMs)
  const chunk = (delta: object, finishReason: string | null): object => ({
    ...identity,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {})
  })
  return {
    identity,
    full: (text, done) => ({
      ...identity,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: done.finishReason }],
      usage: toUsage(done),
      ...costField(done)
    }),
    opening: () => chunk({ role: 'assistant', content: '' }, null),
    token: text => chunk({ content: text }, null),
    closing: done => chunk({}, done.finishReason),
    usage: done => ({ ...identity, object: 'chat.completion.chunk', choices: [], usage: toUsage(done), ...costField(done) })
  }
}

/** `/v1/completions` (legacy text completions). */
export function completionFormat (model: string, nowMs: number, includeUsage: boolean): ResponseFormat & { identity: ResponseIdentity } {
  const identity = newIdentity(COMPLETION_ID_PREFIX, model, nowMs)
  const chunk = (text: string, finishReason: string | null): object => ({
    ...identity,
    object: 'text_completion',
    choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {})
  })
  return {
    identity,
    full: (text, done) => ({
      ...identity,
      object: 'text_completion',
      choices: [{ text, index: 0, logprobs: null, finish_reason: done.finishReason }],
      usage: toUsage(done),
      ...costField(done)
    }),
    opening: () => null,
    token: text => chunk(text, null),
    closing: done => chunk('', done.finishReason),
    usage: done => ({ ...identity, object: 'text_completion', choices: [], usage: toUsage(done), ...costField(done) })
  }
}

/** One entry of `GET /v1/models`: OpenAI's fields plus what Cocoon knows about the model. */
export function modelObject (m: BackendModel): object {
  return {
    id: m.id,
    object: 'model',
    // the network has no creation date for a model; 0 says "unknown" in the field's unit
    created: 0,
    owned_by: MODEL_OWNER,
    workers: m.workers,
    ...(m.name != null ? { name: m.name } : {}),
    ...(m.sha256 != null ? { sha256: m.sha256 } : {}),
    ...(m.contextLength != null ? { context_length: m.contextLength } : {}),
    ...(m.priceNanoPerToken != null ? { price_nano_ton_per_token: m.priceNanoPerToken } : {})
  }
}

export function modelList (models: BackendModel[]): object {
  return { object: 'list', data: models.map(modelObject) }
}
