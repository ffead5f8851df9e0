import assert from 'node:assert/strict'
import { CocoonError } from '../../protocols/common/errors.js'
import { startGateway, type Gateway } from '../../node/http/gateway.js'
import { apiBase, listModels, streamChat } from '../../node/http/sse-client.js'
import { GatewayError, GatewayUnreachableError } from '../../node/http/client-errors.js'
import { ScriptedBackend } from './scripted-backend.js'

const hi = [{ role: 'user' as const, content: 'hi' }]

async function collect (it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = []
  for await (const s of it) out.push(s)
  return out
}

describe('streamChat and listModels against the gateway', () => {
  let backend: ScriptedBackend
  let gateway: Gateway

  before(async () => {
    backend = new ScriptedBackend({
      failAfter: { flaky: { afterTokens: 1, error: new CocoonError('WORKER_LOST', 'worker went away') } },
      failBefore: { full: new CocoonError('NO_CAPACITY', 'no worker has a free slot') },
      models: [{ id: 'tiny', workers: 3, contextLength: 512 }, { id: 'flaky', workers: 1 }, { id: 'full', workers: 0 }]
    })
    gateway = await startGateway({ backend, port: 0, apiKey: 'k' })
  })

  after(async () => { await gateway.close() })

  it('yields the text deltas in order', async () => {
    assert.deepEqual(await collect(streamChat({ url: gateway.url, apiKey: 'k', model: 'tiny', messages: hi, maxTokens: 3 })), ['Hello', ',', ' world'])
    assert.equal(backend.requests.at(-1)?.maxTokens, 3)
  })

  it('accepts the base URL with /v1 or a trailing slash', async () => {
    assert.equal(apiBase('http://h:1'), 'http://h:1/v1')
    assert.equal(apiBase('http://h:1/'), 'http://h:1/v1')
    assert.equal(apiBase('http://h:1/v1/'), 'http://h:1/v1')
    assert.equal((await collect(streamChat({ url: `${gateway.url}/v1/`, apiKey: 'k', model: 'tiny', messages: hi }))).join(''), 'Hello, world!')
  })

  it('throws GatewayError with the server code for a refused request', async () => {
    await assert.rejects(collect(streamChat({ url: gateway.url, apiKey: 'k', model: 'nope', messages: hi })), (err: unknown) => {
      assert.ok(err instanceof GatewayError)
      assert.equal(err.code, 'UNKNOWN_MODEL')
      assert.equal(err.status, 404)
      assert.equal(err.type, 'invalid_request_error')
      return true
    })
    await assert.rejects(collect(streamChat({ url: gateway.url, apiKey: 'k', model: 'full', messages: hi })),
      (err: unknown) => err instanceof GatewayError && err.code === 'NO_CAPACITY' && err.status === 503)
    await assert.rejects(collect(streamChat({ url: gateway.url, apiKey: 'bad', model: 'tiny', messages: hi })),
      (err: unknown) => err instanceof GatewayError && err.code === 'UNAUTHORIZED' && err.status === 401)
  })

  it('throws GatewayError for an error event in the middle of the stream, after the tokens before it', async () => {
    const seen: string[] = []
    await assert.rejects((async () => { for await (const s of streamChat({ url: gateway.url, apiKey: 'k', model: 'flaky', messages: hi })) seen.push(s) })(), (err: unknown) => {
      assert.ok(err instanceof GatewayError)
      assert.equal(err.code, 'WORKER_LOST')
      assert.equal(err.status, undefined)
      assert.equal(err.message, 'worker went away')
      return true
    })
    assert.deepEqual(seen, ['Hello'])
  })

  it('lists models', async () => {
    const models = await listModels({ url: gateway.url, apiKey: 'k' })
    assert.deepEqual(models.map(m => [m.id, m.workers]), [['tiny', 3], ['flaky', 1], ['full', 0]])
    assert.equal(models[0].context_length, 512)
  })

  it('throws GatewayUnreachableError when nothing listens', async () => {
    const gone = await startGateway({ backend, port: 0 })
    await gone.close()
    await assert.rejects(collect(streamChat({ url: gone.url, model: 'tiny', messages: hi })), (err: unknown) => {
      assert.ok(err instanceof GatewayUnreachableError)
      assert.equal(err.code, 'GATEWAY_UNREACHABLE')
      assert.match(err.message, /cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+/)
      return true
    })
  })

  it('cancels the job when the caller stops reading or aborts', async () => {
    const slow = new ScriptedBackend({ tokens: Array.from({ length: 200 }, (_, i) => `${i} `), tokenDelayMs: 10 })
    const g = await startGateway({ backend: slow, port: 0 })
    try {
      for await (const delta of streamChat({ url: g.url, model: 'tiny', messages: hi })) {
        if (delta === '2 ') break
      }
      assert.equal(((await slow.nextAbort()) as CocoonError).code, 'CANCELLED')

      const controller = new AbortController()
      const seen: string[] = []
      await assert.rejects((async () => {
        for await (const delta of streamChat({ url: g.url, model: 'tiny', messages: hi, signal: controller.signal })) {
          seen.push(delta)
          if (seen.length === 2) controller.abort()
        }
      })(), (err: unknown) => (err as Error).name === 'AbortError')
      await waitFor(() => slow.abortReasons.length === 2)
      assert.ok(slow.tokensYielded < 400)
    } finally {
      await g.close()
    }
  })
})

async function waitFor (condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}
