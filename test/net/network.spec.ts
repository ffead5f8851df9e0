import assert from 'node:assert/strict'
import OpenAI from 'openai'
import { readStatus } from '../../node/status.js'
import { join } from 'node:path'
import { startTestNetwork, type TestNetwork } from './harness.js'

describe('a whole local network (cocoon network)', function () {
  this.timeout(240_000)
  let net: TestNetwork

  before(async () => { net = await startTestNetwork({ workers: 2 }) })
  after(async () => { await net?.close() })

  it('lists the built-in model with both workers through the OpenAI client', async () => {
    const openai = new OpenAI({ baseURL: `${net.gatewayUrl}/v1`, apiKey: 'unused' })
    const models = await openai.models.list()
    const tiny = models.data.find(m => m.id === 'cocoon-tiny') as unknown as { workers: number } | undefined
    assert.ok(tiny != null, 'cocoon-tiny is listed')
    assert.equal(tiny.workers, 2)
  })

  it('streams and non-streams a chat completion, and both agree for the same seed', async () => {
    const openai = new OpenAI({ baseURL: `${net.gatewayUrl}/v1`, apiKey: 'unused' })
    const messages = [{ role: 'user' as const, content: 'Hello Cocoon' }]
    const full = await openai.chat.completions.create({ model: 'cocoon-tiny', messages, max_tokens: 16, seed: 7 })
    assert.equal(full.choices[0].finish_reason, 'length')
    assert.equal(full.usage?.completion_tokens, 16)
    let streamed = ''
    let usage: { completion_tokens: number } | undefined
    const stream = await openai.chat.completions.create({ model: 'cocoon-tiny', messages, max_tokens: 16, seed: 7, stream: true, stream_options: { include_usage: true } })
    for await (const chunk of stream) {
      streamed += chunk.choices[0]?.delta?.content ?? ''
      if (chunk.usage != null) usage = chunk.usage
    }
    assert.ok(streamed.length > 0)
    assert.equal(streamed, full.choices[0].message.content)
    assert.equal(usage?.completion_tokens, 16)
  })

  it('gives an OpenAI-shaped 404 for an unknown model', async () => {
    const openai = new OpenAI({ baseURL: `${net.gatewayUrl}/v1`, apiKey: 'unused' })
    await assert.rejects(openai.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
      (err: { status?: number, code?: string }) => err.status === 404 && err.code === 'UNKNOWN_MODEL')
  })

  it('keeps the proxy ignorant of the prompt and the answer', async () => {
    const secret = 'the-secret-word-is-' + Math.random().toString(36).slice(2)
    const openai = new OpenAI({ baseURL: `${net.gatewayUrl}/v1`, apiKey: 'unused' })
    const answer = await openai.chat.completions.create({ model: 'cocoon-tiny', messages: [{ role: 'user', content: secret }], max_tokens: 8 })
    const text = answer.choices[0].message.content ?? ''
    const proxyLines = net.logs.lines.filter(l => l.name === 'proxy').map(l => l.line).join('\n')
    assert.ok(!proxyLines.includes(secret), 'prompt never appears in the proxy log')
    assert.ok(text.length > 0 && !proxyLines.includes(text), 'answer never appears in the proxy log')
    const status = await readStatus(join(net.dir, 'proxy'))
    assert.ok(!JSON.stringify(status).includes(secret))
  })

  it('an aborted stream cancels the worker\'s generation', async () => {
    const openai = new OpenAI({ baseURL: `${net.gatewayUrl}/v1`, apiKey: 'unused' })
    const controller = new AbortController()
    const stream = await openai.chat.completions.create({ model: 'cocoon-tiny', messages: [{ role: 'user', content: 'long please' }], max_tokens: 1500, stream: true }, { signal: controller.signal })
    let got = 0
    try {
      for await (const chunk of stream) {
        if ((chunk.choices[0]?.delta?.content ?? '') !== '') got++
        if (got === 3) {
          controller.abort()
          break
        }
      }
    } catch (err) {
      assert.equal((err as Error).name, 'APIUserAbortError')
    }
    assert.equal(got, 3)
    // The worker that ran it logs the cancellation; a finished 1500-token job would have logged nothing like it.
    const rec = await Promise.any(['worker-1', 'worker-2'].map(async w => net.logs.waitFor(w, 'job cancelled', 5000)))
    assert.ok(rec != null)
  })
})
