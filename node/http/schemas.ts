/**
 * Request bodies of the OpenAI endpoints we serve, validated with zod and turned into the
 * backend's ChatRequest. Fields we cannot honour (n > 1, tools, logprobs, echo...) are refused
 * with a 400 naming the field rather than silently ignored: a client relying on them would get
 * a wrong answer. Unknown fields are ignored, as OpenAI's SDKs send new ones over time.
 */
import { z } from 'zod'
import { MAX_MESSAGES, MAX_STOP_LENGTH, MAX_STOP_SEQUENCES } from './constants.js'
import { InvalidRequestBodyError } from './errors.js'
import type { ChatMessage, ChatRequest } from './backend.js'

const textPart = z.object({ type: z.literal('text'), text: z.string() })

const messageSchema = z.object({
  // 'developer' is OpenAI's newer name for 'system'
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([z.string(), z.array(textPart)], { error: 'expected a string or an array of {type:"text", text} parts' })
})

const stopSchema = z.union([
  z.string().min(1).max(MAX_STOP_LENGTH),
  z.array(z.string().min(1).max(MAX_STOP_LENGTH)).max(MAX_STOP_SEQUENCES)
], { error: `expected a string or an array of at most ${MAX_STOP_SEQUENCES} non-empty strings` })

/** Sampling fields shared by both endpoints. Nulls are accepted where OpenAI accepts them. */
const samplingFields = {
  model: z.string().min(1),
  max_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  seed: z.number().int().nullish(),
  stop: stopSchema.nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  n: z.literal(1, { error: 'only n=1 is supported' }).nullish()
}

const chatCompletionSchema = z.object({
  ...samplingFields,
  messages: z.array(messageSchema).min(1).max(MAX_MESSAGES),
  max_completion_tokens: z.number().int().min(1).nullish(),
  logprobs: z.literal(false, { error: 'logprobs are not supported' }).nullish(),
  tools: z.array(z.unknown()).max(0, { error: 'tools are not supported' }).nullish()
})

const completionSchema = z.object({
  ...samplingFields,
  prompt: z.union([z.string(), z.array(z.string()).length(1)], { error: 'expected a string (or an array holding one string)' }),
  echo: z.literal(false, { error: 'echo is not supported' }).nullish(),
  best_of: z.literal(1, { error: 'only best_of=1 is supported' }).nullish(),
  suffix: z.string().max(0, { error: 'suffix is not supported' }).nullish(),
  logprobs: z.null({ error: 'logprobs are not supported' }).optional()
})

/** What a handler needs from a validated body: the backend request and how to answer. */
export interface ParsedRequest {
  request: ChatRequest
  stream: boolean
  includeUsage: boolean
}

export function parseChatCompletionBody (body: unknown): ParsedRequest {
  const b = validate(chatCompletionSchema, body)
  const messages: ChatMessage[] = b.messages.map(m => ({
    role: m.role === 'developer' ? 'system' : m.role,
    content: typeof m.content === 'string' ? m.content : m.content.map(p => p.text).join('')
  }))
  const maxTokens = b.max_completion_tokens ?? b.max_tokens
  return finish(b, { model: b.model, messages }, maxTokens)
}

export function parseCompletionBody (body: unknown): ParsedRequest {
  const b = validate(completionSchema, body)
  const prompt = typeof b.prompt === 'string' ? b.prompt : b.prompt[0]
  return finish(b, { model: b.model, prompt }, b.max_tokens)
}

type SamplingBody = z.infer<z.ZodObject<typeof samplingFields>>

function finish (b: SamplingBody, base: ChatRequest, maxTokens: number | null | undefined): ParsedRequest {
  const request: ChatRequest = { ...base }
  if (maxTokens != null) request.maxTokens = maxTokens
  if (b.temperature != null) request.temperature = b.temperature
  if (b.top_p != null) request.topP = b.top_p
  if (b.seed != null) request.seed = b.seed
  if (b.stop != null) request.stop = typeof b.stop === 'string' ? [b.stop] : b.stop
  return { request, stream: b.stream === true, includeUsage: b.stream_options?.include_usage === true }
}

function validate<T extends z.ZodType> (schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const param = formatPath(issue.path)
  if (param == null) throw new InvalidRequestBodyError(`invalid request body: ${issue.message}`)
  throw new InvalidRequestBodyError(`invalid '${param}': ${issue.message}`, param)
}

/** ['messages', 0, 'role'] -> 'messages[0].role', the way OpenAI names params in its errors. */
export function formatPath (path: ReadonlyArray<PropertyKey>): string | null {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out === '' ? String(key) : `.${String(key)}`
  }
  return out === '' ? null : out
}
