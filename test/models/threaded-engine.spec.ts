import assert from 'node:assert/strict'
import { pino } from 'pino'
import { ensureBuiltinModel } from '../../models/builtin/ensure.js'
import { NodeLlamaCppEngine } from '../../models/llama/engine.js'
import { ThreadedEngine } from '../../models/thread/threaded-engine.js'
import type { GenerateEvent, GenerateRequest, LoadedModel } from '../../models/engine.js'
import { collect, tempDir } from './fixtures.js'

/** Resolves when `test()` holds, checking every 10 ms for up to 5 s. */
async function eventually (test: () => boolean, what: string): Promise<void> {
  const until = Date.now() + 5000
  while (!test()) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

describe('models: the engine on a thread of its own (ThreadedEngine)', function () {
  this.timeout(60_000)
  let cleanup: () => Promise<void>
  let path: string
  let sha256: string
  let engine: ThreadedEngine
  let model: LoadedModel
  const logLines: string[] = []

  before(async () => {
    const t = await tempDir()
    cleanup = t.cleanup
    const f = await ensureBuiltinModel(t.dir)
    path = f.path
    sha256 = f.sha256
    const logger = pino({ level: 'info' }, { write: (line: string) => { logLines.push(line) } }).child({ component: 'engine' })
    engine = new ThreadedEngine({ gpu: false, logger })
    model = await engine.load(path, { id: 'cocoon-tiny', sha256, slots: 2 })
  })
  after(async () => {
    await engine?.close()
    await cleanup()
  })

  it('streams exactly what the engine run in this thread streams, and reports the same model', async () => {
    const local = new NodeLlamaCppEngine({ gpu: false })
    try {
      const direct = await local.load(path, { id: 'cocoon-tiny', sha256, slots: 2 })
      assert.deepEqual(model.info, direct.info)
      assert.equal(model.slots, 2)
      assert.deepEqual(await engine.device(), await local.device())
      const reqs: GenerateRequest[] = [
        { prompt: 'Hello world', maxTokens: 20 },
        { messages: [{ role: 'user', content: 'What is the price of a job?' }], maxTokens: 30, temperature: 0.8, seed: 7, stop: ['e'] }
      ]
      for (const req of reqs) {
        const a = await collect(model.generate(req))
        const b = await collect(direct.generate(req))
        assert.equal(a.text, b.text)
        assert.deepEqual(a.done, b.done)
      }
    } finally {
      await local.close()
    }
  })

  it('relays the thread\'s log records through the given logger', () => {
    const loaded = logLines.map(l => JSON.parse(l) as Record<string, unknown>).find(r => r.msg === 'model loaded')
    assert.ok(loaded != null, `no "model loaded" record among ${logLines.length}`)
    assert.equal(loaded.component, 'engine')
    assert.equal(loaded.level, 30)
    assert.equal(loaded.sha256, sha256)
  })

  it('refuses bad requests at once, and brings the thread\'s typed refusals back with their name and code', async () => {
    assert.throws(() => model.generate({ prompt: 'x', maxTokens: 0 }), { name: 'InvalidGenerateRequestError', code: 'BAD_REQUEST' })
    await assert.rejects(collect(model.generate({ prompt: 'x', maxTokens: 100_000 })), { name: 'ContextOverflowError', code: 'BAD_REQUEST' })
    await assert.rejects(engine.load(`${path}.missing`), { code: 'MODEL_FILE_NOT_FOUND' })
    // Both slots taken: the third generation is refused by the thread's own slot check.
    const a = model.generate({ prompt: 'one', maxTokens: 400 })[Symbol.asyncIterator]()
    const b = model.generate({ prompt: 'two', maxTokens: 400 })[Symbol.asyncIterator]()
    await a.next()
    await b.next()
    assert.equal(model.busySlots(), 2)
    await assert.rejects(collect(model.generate({ prompt: 'three', maxTokens: 5 })), { name: 'ModelBusyError', code: 'NO_CAPACITY' })
    await a.return?.()
    await b.return?.()
    await eventually(() => model.busySlots() === 0, 'the thread freed both slots')
  })

  it('stops a generation when its signal aborts, and frees the slot', async () => {
    const controller = new AbortController()
    const events: GenerateEvent[] = []
    for await (const ev of model.generate({ prompt: 'a long answer', maxTokens: 1500 }, controller.signal)) {
      events.push(ev)
      if (events.length === 1) controller.abort()
    }
    const done = events.at(-1)
    assert.equal(done?.type, 'done')
    assert.equal(done.type === 'done' && done.finishReason, 'cancelled')
    assert.ok(done.type === 'done' && done.usage.completionTokens < 1500)
    assert.equal(model.busySlots(), 0)
  })

  it('sends token events in batches of at most one per batchMs, with the same text', async () => {
    const batched = new ThreadedEngine({ gpu: false, batchMs: 60_000 })
    try {
      const m = await batched.load(path, { id: 'cocoon-tiny', sha256, slots: 1 })
      const req: GenerateRequest = { prompt: 'Hello world', maxTokens: 40 }
      const many = await collect(model.generate(req))
      const few = await collect(m.generate(req))
      assert.equal(few.text, many.text)
      assert.ok(many.chunks.length > 10, `unbatched: one event per token (${many.chunks.length})`)
      assert.equal(few.chunks.length, 2, 'the first token at once, the rest with the end')
    } finally {
      await batched.close()
    }
  })

  it('fails what is pending with ENGINE_UNAVAILABLE when the thread dies, and every later call too', async () => {
    // A thread that loads "models" and starts generations but never answers them, then exits when told: the
    // real engine thread cannot be killed mid-generation (node-llama-cpp aborts the process when its native work
    // is torn down under it), and this is about what the main side does when its thread is gone.
    const doomed = new ThreadedEngine({ threadScript: new URL('./dying-engine-thread.js', import.meta.url) })
    const m = await doomed.load('/any.gguf', { slots: 1 })
    assert.equal(m.slots, 1)
    const it = m.generate({ prompt: 'Hello', maxTokens: 5 })[Symbol.asyncIterator]()
    const first = it.next()
    const pending = doomed.device()
    await eventually(() => m.busySlots() === 1, 'the generation started')
    await doomed.checkFits('/exit') // the dying thread's cue
    await assert.rejects(first, { code: 'ENGINE_UNAVAILABLE', message: /engine thread ended: exited with code 3/ })
    await assert.rejects(pending, { code: 'ENGINE_UNAVAILABLE' })
    await assert.rejects(doomed.device(), { code: 'ENGINE_UNAVAILABLE' })
    await assert.rejects(collect(m.generate({ prompt: 'again', maxTokens: 1 })), { code: 'ENGINE_UNAVAILABLE' })
    assert.equal(m.busySlots(), 0, 'a dead thread holds no slots')
    await doomed.close()
  })

})
