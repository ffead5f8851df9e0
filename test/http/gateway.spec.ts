import assert from 'node:assert/strict'
import OpenAI from 'openai'
import { pino } from 'pino'
import { CocoonError } from '../../protocols/common/errors.js'
import { startGateway, type Gateway } from '../../node/http/gateway.js'
import { ScriptedBackend } from './scripted-backend.js'

function clientFor (gateway: Gateway, apiKey = 'unused'): OpenAI {
  // no retries: the tests check the first answer, and the SDK would retry 429/5xx
  return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 })
}

async function withTimeout<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`timed out waiting for ${what}`)) }, ms) })
  try { return await Promise.race([promise, timeout]) } finally { clearTimeout(timer) }
}

describe('http gateway with the official openai client', () => {
  let backend: ScriptedBackend
  let gateway: Gateway
  let client: OpenAI

  beforeEach(async () => {
    backend = new ScriptedBackend({
      costNano: '4000',
      failBefore: {
        busy: new CocoonError('RATE_LIMITED', 'too many jobs', { retryAfterMs: 1500 }),
        full: new CocoonError('NO_CAPACITY', 'no worker has a free slot'),
        slow: new CocoonError('TIMEOUT', 'no first token in time'),
        broke: new CocoonError('PAYMENT', 'deposit exhausted')
      },
      failAfter: { flaky: { afterTokens: 2, error: new CocoonError('WORKER_LOST', 'worker went away') } },
      models: ['tiny', 'busy', 'full', 'slow', 'broke', 'flaky'].map(id => ({ id, workers: 1 }))
    })
    gateway = await startGateway({ backend, port: 0 })
    client = clientFor(gateway)
  })

  afterEach(async () => { await gateway.close() })

  it('listens on loopback by default', () => {
    assert.match(gateway.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('lists models', async () => {
    const page = await client.models.list()
    assert.deepEqual(page.data.map(m => m.id), ['tiny', 'busy', 'full', 'slow', 'broke', 'flaky'])
    assert.equal(page.data[0].object, 'model')
    assert.equal(page.data[0].owned_by, 'cocoon')
    assert.equal((page.data[0] as unknown as { workers: number }).workers, 1)
  })

  it('retrieves one model and 404s an unknown one', async () => {
    assert.equal((await client.models.retrieve('tiny')).id, 'tiny')
    await assert.rejects(client.models.retrieve('nope'), (err: unknown) => err instanceof OpenAI.NotFoundError)
  })

  it('answers a non-streamed chat completion with usage and cost', async () => {
    const res = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'developer', content: 'be brief' }, { role: 'user', content: [{ type: 'text', text: 'hi ' }, { type: 'text', text: 'there' }] }],
      max_tokens: 50,
      temperature: 0.5,
      top_p: 0.9,
      seed: 42,
      stop: 'END'
    })
    assert.match(res.id, /^chatcmpl-/)
    assert.equal(res.object, 'chat.completion')
    assert.equal(res.model, 'tiny')
    assert.ok(Math.abs(res.created - Date.now() / 1000) < 60)
    assert.equal(res.choices.length, 1)
    assert.equal(res.choices[0].message.role, 'assistant')
    assert.equal(res.choices[0].message.content, 'Hello, world!')
    assert.equal(res.choices[0].finish_reason, 'stop')
    assert.deepEqual(res.usage, { prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 })
    assert.deepEqual((res as unknown as { cost: unknown }).cost, { amount_nano_ton: '4000' })
    assert.deepEqual(backend.requests[0], {
      model: 'tiny',
      messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi there' }],
      maxTokens: 50,
      temperature: 0.5,
      topP: 0.9,
      seed: 42,
      stop: ['END']
    })
  })

  it('streams a chat completion as OpenAI chunks', async () => {
    const stream = await client.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'hi' }], stream: true })
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = []
    for await (const chunk of stream) chunks.push(chunk)
    assert.ok(chunks.every(c => c.object === 'chat.completion.chunk' && c.id === chunks[0].id && c.id.startsWith('chatcmpl-')))
    assert.equal(chunks[0].choices[0].delta.role, 'assistant')
    assert.equal(chunks.map(c => c.choices[0]?.delta.content ?? '').join(''), 'Hello, world!')
    assert.deepEqual(chunks.map(c => c.choices[0].finish_reason), [null, null, null, null, null, 'stop'])
    assert.ok(chunks.every(c => c.usage === undefined), 'no usage unless asked for')
  })

  it('sends a final usage chunk with stream_options.include_usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'tiny', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true }, max_tokens: 2
    })
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = []
    for await (const chunk of stream) chunks.push(chunk)
    const last = chunks[chunks.length - 1]
    assert.deepEqual(last.choices, [])
    assert.deepEqual(last.usage, { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 })
    assert.ok(chunks.slice(0, -1).every(c => c.usage === null))
    assert.equal(chunks[chunks.length - 2].choices[0].finish_reason, 'length')
  })

  it('answers legacy completions, whole and streamed', async () => {
    const whole = await client.completions.create({ model: 'tiny', prompt: 'Say hello' })
    assert.match(whole.id, /^cmpl-/)
    assert.equal(whole.object, 'text_completion')
    assert.equal(whole.choices[0].text, 'Hello, world!')
    assert.equal(whole.choices[0].finish_reason, 'stop')
    assert.equal(whole.usage?.total_tokens, 11)
    assert.equal(backend.requests[0].prompt, 'Say hello')

    const stream = await client.completions.create({ model: 'tiny', prompt: ['Say hello'], stream: true, stream_options: { include_usage: true } })
    let text = ''
    let usage
    for await (const chunk of stream) {
      assert.equal(chunk.object, 'text_completion')
      text += chunk.choices[0]?.text ?? ''
      if (chunk.usage != null) usage = chunk.usage
    }
    assert.equal(text, 'Hello, world!')
    assert.equal(usage?.completion_tokens, 4)
  })

  it('answers an unknown model with 404 and an OpenAI-shaped error, streamed or not', async () => {
    for (const stream of [false, true]) {
      await assert.rejects(client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }], stream }), (err: unknown) => {
        assert.ok(err instanceof OpenAI.NotFoundError)
        assert.equal(err.status, 404)
        assert.deepEqual(err.error, { message: "model 'nope' is not served", type: 'invalid_request_error', code: 'UNKNOWN_MODEL', param: null })
        return true
      })
    }
  })

  it('maps backend error codes to HTTP statuses', async () => {
    const cases: Array<[string, number, string, string]> = [
      ['busy', 429, 'RATE_LIMITED', 'rate_limit_error'],
      ['full', 503, 'NO_CAPACITY', 'server_error'],
      ['slow', 504, 'TIMEOUT', 'timeout_error'],
      ['broke', 402, 'PAYMENT', 'insufficient_quota']
    ]
    for (const [model, status, code, type] of cases) {
      await assert.rejects(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], stream: true }), (err: unknown) => {
        assert.ok(err instanceof OpenAI.APIError)
        assert.equal(err.status, status, model)
        assert.equal(err.code, code)
        assert.equal(err.type, type)
        return true
      })
    }
    await assert.rejects(client.chat.completions.create({ model: 'busy', messages: [{ role: 'user', content: 'hi' }] }),
      (err: unknown) => err instanceof OpenAI.RateLimitError && err.headers?.get('retry-after') === '2')
  })

  it('ends a stream with an SSE error event when the job fails after it started', async () => {
    const stream = await client.chat.completions.create({ model: 'flaky', messages: [{ role: 'user', content: 'hi' }], stream: true })
    let text = ''
    await assert.rejects((async () => { for await (const c of stream) text += c.choices[0]?.delta.content ?? '' })(), (err: unknown) => {
      assert.ok(err instanceof OpenAI.APIError)
      assert.equal(err.code, 'WORKER_LOST')
      assert.equal(err.message, 'worker went away')
      return true
    })
    assert.equal(text, 'Hello,')
  })

  it('rejects bad bodies with 400 naming the field', async () => {
    await assert.rejects(client.chat.completions.create({ model: 'tiny', messages: [{ role: 'tool', content: 'x', tool_call_id: 'a' }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.BadRequestError)
      assert.equal(err.param, 'messages[0].role')
      assert.equal(err.code, 'BAD_REQUEST')
      assert.match(err.message, /messages\[0\]\.role/)
      return true
    })
    await assert.rejects(client.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'x' }], n: 3 }),
      (err: unknown) => err instanceof OpenAI.BadRequestError && err.param === 'n')
    await assert.rejects(client.chat.completions.create({ model: 'tiny', messages: [] }),
      (err: unknown) => err instanceof OpenAI.BadRequestError && err.param === 'messages')
    assert.equal(backend.requests.length, 0, 'nothing reached the backend')
  })

  it('answers raw HTTP errors: bad JSON, too large, unknown route, wrong method', async () => {
    const post = async (path: string, body: string): Promise<Response> => await fetch(gateway.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
    let res = await post('/v1/chat/completions', '{not json')
    assert.equal(res.status, 400)
    assert.equal((await res.json()).error.code, 'BAD_REQUEST')

    res = await post('/v1/chat/completions', JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'x'.repeat(5 * 1024 * 1024) }] }))
    assert.equal(res.status, 413)
    assert.equal((await res.json()).error.code, 'BODY_TOO_LARGE')

    res = await fetch(gateway.url + '/v2/things')
    assert.equal(res.status, 404)
    assert.deepEqual(Object.keys((await res.json()).error).sort(), ['code', 'message', 'param', 'type'])

    res = await fetch(gateway.url + '/v1/chat/completions')
    assert.equal(res.status, 405)
    assert.equal(res.headers.get('allow'), 'POST')
    await res.body?.cancel()

    res = await fetch(gateway.url + '/healthz')
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), { status: 'ok' })
  })

  it('cancels the backend job when the client aborts a stream mid-way', async () => {
    await gateway.close()
    backend = new ScriptedBackend({ tokens: Array.from({ length: 200 }, (_, i) => `t${i} `), tokenDelayMs: 10 })
    gateway = await startGateway({ backend, port: 0 })
    client = clientFor(gateway)
    const stream = await client.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'go' }], stream: true })
    let seen = 0
    for await (const chunk of stream) {
      if ((chunk.choices[0]?.delta.content ?? '') !== '') seen++
      if (seen === 3) stream.controller.abort()
    }
    const reason = await withTimeout(backend.nextAbort(), 5000, 'the backend signal to abort')
    assert.equal((reason as CocoonError).code, 'CANCELLED')
    assert.ok(backend.tokensYielded < 200, `generation stopped early (${backend.tokensYielded} tokens)`)
  })

  it('cancels a non-streamed job when the client disconnects', async () => {
    await gateway.close()
    backend = new ScriptedBackend({ tokens: Array.from({ length: 200 }, (_, i) => `t${i} `), tokenDelayMs: 10 })
    gateway = await startGateway({ backend, port: 0 })
    const controller = new AbortController()
    const pending = fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST', body: JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'go' }] }), signal: controller.signal
    })
    setTimeout(() => { controller.abort() }, 50)
    await assert.rejects(pending)
    await withTimeout(backend.nextAbort(), 5000, 'the backend signal to abort')
    assert.ok(backend.tokensYielded < 200)
  })

  it('close() cancels running jobs', async () => {
    await gateway.close()
    backend = new ScriptedBackend({ tokens: Array.from({ length: 500 }, () => 'x'), tokenDelayMs: 10 })
    gateway = await startGateway({ backend, port: 0 })
    client = clientFor(gateway)
    const stream = await client.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'go' }], stream: true })
    const consumed = (async () => { for await (const _chunk of stream) { /* drain */ } })().catch((err: unknown) => err)
    await sleepMs(50)
    await withTimeout(gateway.close(), 5000, 'close()')
    assert.equal((await consumed as { code?: string }).code, 'CANCELLED', 'the stream ended with the cancellation error')
    assert.equal((backend.abortReasons[0] as CocoonError).code, 'CANCELLED')
    await assert.rejects(fetch(gateway.url + '/healthz'))
  })
})

describe('http gateway logs', () => {
  it('logs an expected refusal by its code and message, an unexpected failure with its stack', async () => {
    const lines: Array<Record<string, unknown>> = []
    const logger = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line)) } })
    const backend = new ScriptedBackend({
      failBefore: { full: new CocoonError('NO_CAPACITY', 'no worker has a free slot'), bug: new TypeError('x is not a function') as unknown as CocoonError },
      models: [{ id: 'full', workers: 1 }, { id: 'bug', workers: 1 }]
    })
    const gateway = await startGateway({ backend, port: 0, logger })
    try {
      const client = clientFor(gateway)
      await assert.rejects(client.chat.completions.create({ model: 'full', messages: [{ role: 'user', content: 'hi' }] }))
      await assert.rejects(client.chat.completions.create({ model: 'bug', messages: [{ role: 'user', content: 'hi' }] }))
    } finally {
      await gateway.close()
    }
    const refused = lines.find(l => l.msg === 'completion failed')
    assert.ok(refused != null)
    assert.equal(refused.code, 'NO_CAPACITY')
    assert.equal(refused.err, 'no worker has a free slot')
    const failed = lines.find(l => l.msg === 'completion failed unexpectedly')
    assert.ok(failed != null)
    assert.match(String((failed.err as { stack?: string }).stack), /TypeError: x is not a function/)
  })
})

describe('http gateway with an API key', () => {
  let backend: ScriptedBackend
  let gateway: Gateway

  before(async () => {
    backend = new ScriptedBackend()
    gateway = await startGateway({ backend, port: 0, apiKey: 'sekret' })
  })

  after(async () => { await gateway.close() })

  it('refuses a missing or wrong key with 401', async () => {
    await assert.rejects(clientFor(gateway, 'wrong').models.list(), (err: unknown) => {
      assert.ok(err instanceof OpenAI.AuthenticationError)
      assert.equal(err.code, 'UNAUTHORIZED')
      assert.equal(err.type, 'authentication_error')
      return true
    })
    const res = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: '{}' })
    assert.equal(res.status, 401)
    assert.equal(res.headers.get('www-authenticate'), 'Bearer')
    await res.body?.cancel()
    assert.equal(backend.requests.length, 0)
  })

  it('serves the right key, and /healthz without one', async () => {
    const res = await clientFor(gateway, 'sekret').chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'hi' }] })
    assert.equal(res.choices[0].message.content, 'Hello, world!')
    assert.equal((await fetch(`${gateway.url}/healthz`)).status, 200)
  })

  it('refuses an empty key at start', async () => {
    await assert.rejects(startGateway({ backend, port: 0, apiKey: '' }), (err: unknown) => (err as CocoonError).code === 'BAD_REQUEST')
  })
})

async function sleepMs (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}
