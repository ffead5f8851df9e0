import type { ChatMessage, GenerateRequest } from '../../models/engine.js'
import { CocoonError } from '../common/errors.js'
import { MAX_PROMPT_BYTES } from './constants.js'
import type { JobPayload } from './gen/messages.js'

const ROLES = new Set(['system', 'user', 'assistant'])

/** Checks a decoded job and turns it into an engine request; anything off is BAD_REQUEST. */
export function toGenerateRequest (p: JobPayload): GenerateRequest {
  const hasPrompt = p.prompt != null
  if (hasPrompt === (p.messages.length > 0)) throw new CocoonError('BAD_REQUEST', 'a job needs exactly one of messages or prompt')
  if (p.maxTokens < 1) throw new CocoonError('BAD_REQUEST', 'maxTokens must be at least 1')
  let bytes = p.prompt?.length ?? 0
  for (const m of p.messages) {
    // Error messages cross the proxy in the clear: they name what was wrong, never echo sealed content.
    if (!ROLES.has(m.role)) throw new CocoonError('BAD_REQUEST', 'a message role is not one of system, user or assistant')
    bytes += m.content.length
  }
  if (bytes > MAX_PROMPT_BYTES) throw new CocoonError('BAD_REQUEST', `prompt too long (${bytes} > ${MAX_PROMPT_BYTES} characters)`)
  const temperature = p.temperature
  if (temperature != null && !(temperature >= 0 && temperature <= 2)) throw new CocoonError('BAD_REQUEST', 'temperature must be in [0, 2]')
  if (p.topP != null && !(p.topP > 0 && p.topP <= 1)) throw new CocoonError('BAD_REQUEST', 'topP must be in (0, 1]')
  return {
    ...(hasPrompt ? { prompt: p.prompt } : { messages: p.messages.map(m => ({ role: m.role as ChatMessage['role'], content: m.content })) }),
    maxTokens: p.maxTokens,
    temperature,
    topP: p.topP,
    seed: p.seed,
    stop: p.stop.length > 0 ? p.stop : undefined
  }
}
