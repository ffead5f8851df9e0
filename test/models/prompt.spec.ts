import assert from 'node:assert/strict'
import { getLlama, resolveChatWrapper, type Llama, type LlamaModel } from 'node-llama-cpp'
import { ensureBuiltinModel } from '../../models/builtin/ensure.js'
import { IM_END, IM_START } from '../../models/builtin/vocabulary.js'
import { planPrompt } from '../../models/llama/prompt.js'
import { normalizeRequest } from '../../models/request.js'
import { tempDir } from './fixtures.js'

describe('models: prompt planning (chat template, end-of-turn stop tokens)', () => {
  let cleanup: () => Promise<void>
  let llama: Llama
  let model: LlamaModel

  before(async () => {
    const t = await tempDir()
    cleanup = t.cleanup
    const f = await ensureBuiltinModel(t.dir)
    llama = await getLlama({ gpu: false, build: 'never' })
    model = await llama.loadModel({ modelPath: f.path })
  })
  after(async () => {
    await model?.dispose()
    await llama?.dispose()
    await cleanup()
  })

  const special = (text: string): number[] => model.tokenize(text, true).map(Number)

  it('renders chat messages with the model\'s ChatML template, special tokens as single tokens', () => {
    const plan = planPrompt(model, resolveChatWrapper(model), normalizeRequest({
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello world' }],
      maxTokens: 5
    }))
    const rendered = `${IM_START}system\nBe brief.${IM_END}\n${IM_START}user\nHello world${IM_END}\n${IM_START}assistant\n`
    assert.deepEqual(plan.tokens.map(Number), [Number(model.tokens.bos), ...special(rendered)])
    assert.equal(plan.tokens.length, 43)
    const [imStart] = special(IM_START)
    assert.equal(plan.tokens.filter(t => Number(t) === imStart).length, 3)
  })

  it('stops the answer on the end-of-turn token <|im_end|> and on end-of-sequence', () => {
    const plan = planPrompt(model, resolveChatWrapper(model), normalizeRequest({ messages: [{ role: 'user', content: 'Hi' }], maxTokens: 5 }))
    const [imEnd] = special(IM_END)
    assert.deepEqual([...plan.stopTokens].map(Number).sort((a, b) => a - b), [Number(model.tokens.eos), imEnd].sort((a, b) => a - b))
    // The same marker written out as plain text (several ordinary tokens) is caught as a stop string.
    assert.deepEqual(plan.stopTexts, [IM_END])
  })

  it('tokenizes a plain prompt as is, with BOS and no stop tokens', () => {
    const plan = planPrompt(model, resolveChatWrapper(model), normalizeRequest({ prompt: 'Hello world', maxTokens: 5 }))
    assert.deepEqual(plan.tokens.map(Number), [Number(model.tokens.bos), ...model.tokenize('Hello world').map(Number)])
    assert.equal(plan.stopTokens.size, 0)
    assert.deepEqual(plan.stopTexts, [])
  })
})
