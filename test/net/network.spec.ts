import assert from 'node:assert/strict'
import OpenAI from 'openai'
import { readStatus } from '../../node/status.js'
import { join } from 'node:path'
import { createClient } from '../../node/index.js'
import { NodeProcess } from '../../node/network/child.js'
import { streamChat } from '../../node/http/index.js'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { freePort, LogBook, proc, startTestNetwork, type TestNetwork } from './harness.js'
import { cpusOf, parseCpuList, threadsOf } from '../../node/cpu-affinity.js'

describe('a whole local network (cocoon network)', function () {
  this.timeout(240_000)
  let net: TestNetwork

  // The workers' engines on the last CPU (`--engine-cpus`), as the bench runs them.
  const cpus = parseCpuList(cpusOf())
  const engineCpu = String(cpus[cpus.length - 1])
  before(async () => { net = await startTestNetwork({ workers: 2, workerCpus: engineCpu }) })
  after(async () => { await net?.close() })

  it('runs each worker\'s engine thread and decode threads on its --engine-cpus, V8\'s helpers off them, and its networking anywhere', async () => {
    for (const name of ['worker-1', 'worker-2']) {
      const pid = proc(net, name).child.pid!
      const allowed = async (tid: number): Promise<string> => /Cpus_allowed_list:\s*(\S+)/.exec(await readFile(`/proc/${pid}/task/${tid}/status`, 'utf8'))?.[1] ?? '?'
      const threads = threadsOf(pid)
      const engine = threads.filter(t => t.name === 'WorkerThread' || t.name === 'libuv-worker')
      assert.ok(engine.some(t => t.name === 'WorkerThread'), `${name} has an engine thread: ${threads.map(t => t.name).join(' ')}`)
      for (const t of engine) assert.equal(await allowed(t.tid), engineCpu, `${name} ${t.name} ${t.tid}`)
      assert.deepEqual(parseCpuList(await allowed(pid)), cpus, `${name} main thread`)
      const others = cpus.filter(c => String(c) !== engineCpu)
      for (const t of threads.filter(t => t.name.startsWith('V8'))) assert.deepEqual(parseCpuList(await allowed(t.tid)), others.length > 0 ? others : cpus, `${name} ${t.name} ${t.tid}`)
      assert.equal(net.logs.records(name, 'inference engine runs on these CPUs only')[0]?.engineCpus, engineCpu)
    }
  })

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

  it('the embeddable light client (createClient) streams an answer with usage, cost and events', async () => {
    const client = await createClient({ bootstrap: [net.proxyAddress], ton: net.endpoint, registry: net.registry })
    try {
      const offers: string[] = []
      client.addEventListener('job:offer', e => offers.push(e.detail.worker))
      const models = await client.models()
      assert.ok(models.some(m => m.id === 'cocoon-tiny' && m.workers === 2))
      const answer = client.chat({ model: 'cocoon-tiny', messages: [{ role: 'user', content: 'Hello library' }], maxTokens: 10 })
      let text = ''
      for await (const t of answer) text += t
      const result = await answer.result
      assert.ok(text.length > 0)
      assert.equal(result.usage.completionTokens, 10)
      assert.equal(result.finishReason, 'length')
      assert.equal(result.costNano, 10n * 1000n)
      assert.equal(offers.length, 1)
      const controller = new AbortController()
      const aborted = client.chat({ model: 'cocoon-tiny', messages: [{ role: 'user', content: 'x' }], maxTokens: 1000, signal: controller.signal })
      await assert.rejects((async () => { for await (const _ of aborted) controller.abort() })(), (e: { code?: string }) => e.code === 'CANCELLED')
    } finally {
      await client.stop()
    }
  })
})

describe('cocoon network, as npm start runs it', function () {
  this.timeout(240_000)

  it('comes up from nothing, answers a prompt, and stops cleanly on SIGINT', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cocoon-npm-start-'))
    const http = `127.0.0.1:${await freePort()}`
    const logs = new LogBook()
    const launcher = new NodeProcess('network', ['network', '--dir', dir, '--http', http, '--devnet-port', String(await freePort()), '--proxy-port', String(await freePort())], logs.onLine)
    try {
      const started = await launcher.waitFor('started', 180_000)
      assert.equal(started.gateway, `http://${http}`)
      const stdout = logs.lines.filter(l => l.stream === 'stdout').map(l => l.line).join('\n')
      assert.match(stdout, /Sample prompt .* ->\s+\S+/)
      assert.match(stdout, /curl -N http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions/)
      let text = ''
      for await (const t of streamChat({ url: `http://${http}`, model: 'cocoon-tiny', messages: [{ role: 'user', content: 'hi' }], maxTokens: 6 })) text += t
      assert.ok(text.length > 0)
      launcher.child.kill('SIGINT')
      assert.equal(await launcher.exited, 0)
      // Every node wrote its final status as stopped.
      for (const name of ['proxy', 'worker-1', 'worker-2', 'client']) assert.equal((await readStatus(join(dir, name)))?.running, false, name)
    } finally {
      await launcher.stop()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
