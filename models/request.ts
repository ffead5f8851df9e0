/** Validates a GenerateRequest and fills in defaults. Pure. */
import { DEFAULT_TEMPERATURE, MAX_STOP_SEQUENCES } from './constants.js'
import { InvalidGenerateRequestError } from './errors.js'
import type { ChatMessage, GenerateRequest } from './engine.js'

export interface NormalizedRequest {
  messages?: ChatMessage[]
  prompt?: string
  maxTokens: number
  temperature: number
  topP: number
  seed: number
  stop: string[]
}

const ROLES = new Set(['system', 'user', 'assistant'])

function isFiniteIn (v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max
}

export function normalizeRequest (req: GenerateRequest): NormalizedRequest {
  if (req == null || typeof req !== 'object') throw new InvalidGenerateRequestError('request must be an object')
  const hasPrompt = req.prompt !== undefined
  const hasMessages = req.messages !== undefined
  if (hasPrompt === hasMessages) throw new InvalidGenerateRequestError('give exactly one of prompt or messages')
  if (hasPrompt && typeof req.prompt !== 'string') throw new InvalidGenerateRequestError('prompt must be a string')
  if (hasMessages) {
    if (!Array.isArray(req.messages) || req.messages.length === 0) throw new InvalidGenerateRequestError('messages must be a non-empty array')
    for (const m of req.messages) {
      if (m == null || !ROLES.has(m.role) || typeof m.content !== 'string') {
        throw new InvalidGenerateRequestError('each message needs role system|user|assistant and string content')
      }
    }
  }
  if (!Number.isSafeInteger(req.maxTokens) || req.maxTokens < 1) throw new InvalidGenerateRequestError('maxTokens must be an integer >= 1')
  const temperature = req.temperature ?? DEFAULT_TEMPERATURE
  if (!isFiniteIn(temperature, 0, 2)) throw new InvalidGenerateRequestError('temperature must be between 0 and 2')
  const topP = req.topP ?? 1
  if (!isFiniteIn(topP, 0, 1) || topP === 0) throw new InvalidGenerateRequestError('topP must be in (0, 1]')
  const seed = req.seed ?? 0
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) throw new InvalidGenerateRequestError('seed must be an integer in [0, 2^32)')
  const stop = req.stop ?? []
  if (!Array.isArray(stop) || stop.length > MAX_STOP_SEQUENCES || stop.some(s => typeof s !== 'string' || s.length === 0)) {
    throw new InvalidGenerateRequestError(`stop must be at most ${MAX_STOP_SEQUENCES} non-empty strings`)
  }
  return {
    messages: hasMessages ? req.messages : undefined,
    prompt: hasPrompt ? req.prompt : undefined,
    maxTokens: req.maxTokens,
    temperature,
    topP,
    seed,
    stop: [...stop]
  }
}
