/**
 * What the HTTP gateway needs from whatever actually runs a job: the Cocoon light client in a
 * real node, a scripted backend in tests. The gateway only translates HTTP/OpenAI to this
 * interface and back; it owns no routing, sealing or payment logic.
 */
import type { ErrorCode } from '../../protocols/common/errors.js'

export type { ErrorCode }

export interface ChatMessage { role: 'system' | 'user' | 'assistant', content: string }

export interface ChatRequest {
  model: string
  messages?: ChatMessage[]      // chat completions
  prompt?: string               // legacy completions
  maxTokens?: number
  temperature?: number
  topP?: number
  seed?: number
  stop?: string[]
}

export type ChatEvent =
  | { type: 'token', text: string }
  | { type: 'done', finishReason: 'stop' | 'length', usage: { promptTokens: number, completionTokens: number }, cost?: { amountNano: string } }

export interface BackendModel { id: string, name?: string, sha256?: string, workers: number, contextLength?: number, priceNanoPerToken?: string }

export interface ChatBackend {
  chat (req: ChatRequest, signal: AbortSignal): AsyncIterable<ChatEvent>  // throws CocoonError (protocols/common/errors.ts) with a code
  models (): Promise<BackendModel[]>
}
