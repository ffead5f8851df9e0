/**
 * Turns a request into prompt tokens for node-llama-cpp: plain prompts are tokenized as is (with
 * BOS when the model wants it); chat requests go through the chat wrapper node-llama-cpp resolves
 * from the model's `tokenizer.chat_template`, which also gives the tokens that end a turn.
 */
import type { ChatHistoryItem, LlamaModel, Token } from 'node-llama-cpp'
import type { ChatWrapper } from 'node-llama-cpp'
import type { NormalizedRequest } from '../request.js'

export interface PromptPlan {
  tokens: Token[]
  /** Single tokens that end the answer (end-of-turn markers of the chat template). */
  stopTokens: Set<Token>
  /** Multi-token end-of-turn markers, matched as text. */
  stopTexts: string[]
}

function toChatHistory (req: NormalizedRequest): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = []
  for (const m of req.messages ?? []) {
    if (m.role === 'system') history.push({ type: 'system', text: m.content })
    else if (m.role === 'user') history.push({ type: 'user', text: m.content })
    else history.push({ type: 'model', response: [m.content] })
  }
  // The answer continues an (empty) assistant turn, as LlamaChat does.
  const last = history[history.length - 1]
  if (last?.type !== 'model') history.push({ type: 'model', response: [] })
  return history
}

export function planPrompt (model: LlamaModel, chatWrapper: ChatWrapper, req: NormalizedRequest): PromptPlan {
  if (req.prompt !== undefined) {
    const tokens = model.tokenize(req.prompt)
    const bos = model.tokens.bos
    if (model.tokens.shouldPrependBosToken && bos != null && tokens[0] !== bos) tokens.unshift(bos)
    return { tokens, stopTokens: new Set(), stopTexts: [] }
  }
  const state = chatWrapper.generateContextState({ chatHistory: toChatHistory(req) })
  const tokens = state.contextText.tokenize(model.tokenizer)
  const stopTokens = new Set<Token>()
  const stopTexts: string[] = []
  for (const trigger of state.stopGenerationTriggers) {
    const t = trigger.tokenize(model.tokenizer)
    if (t.length === 1) stopTokens.add(t[0])
    else if (t.length > 1) stopTexts.push(trigger.toString())
  }
  return { tokens, stopTokens, stopTexts }
}
