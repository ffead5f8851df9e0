import assert from 'node:assert/strict'
import { NodeLlamaCppEngine } from '../../models/llama/engine.js'
import { ensureBuiltinModel } from '../../models/builtin/ensure.js'
import { measureSpeed } from '../../models/speed.js'
import type { GenerateEvent, GenerateRequest, LoadedModel } from '../../models/engine.js'
import { collect, tempDir } from './fixtures.js'

describe('models: node-llama-cpp engine on the built-in model', () => {
  let cleanup: () => Promise<void>
  let engine: NodeLlamaCppEngine
  let model: LoadedModel
  let path: string

  before(async () => {
    const t = await tempDir()
    cleanup = t.cleanup
    const f = await ensureBuiltinModel(t.dir)
    path = f.path
    engine = new NodeLlamaCppEngine({ gpu: false })
    model = await engine.load(path, { id: 'cocoon-tiny', sha256: f.sha256, slots: 4 })
  })
  after(async () => {
    await engine?.close()
    await cleanup()
  })

  it('reports the device and the loaded model', async () => {
    const device = await engine.device()
    assert.equal(device.kind, 'cpu')
    assert.ok(device.cpuThreads >= 1)
    assert.equal(model.slots, 4)
    assert.equal(model.busySlots(), 0)
    assert.equal(model.info.contextLength, 2048)
    assert.equal(model.info.architecture, 'llama')
  })

  it('produces exactly the same tokens twice at temperature 0', async () => {
    const req: GenerateRequest = { prompt: 'Hello world', maxTokens: 20 }
    const a = await collect(model.generate(req))
    const b = await collect(model.generate(req))
    assert.deepEqual(a.chunks, b.chunks)
    assert.deepEqual(a.done, { type: 'done', finishReason: 'length', usage: { promptTokens: 8, completionTokens: 20 } })
    // Recorded from this generator + llama.cpp CPU build; the model is deterministic, so this is exact.
    assert.equal(a.text, 'x hel wayfu makalR plefu my othe loo# has nu about haneid')
  })

  it('applies the chat template to chat requests and counts its tokens exactly', async () => {
    const chat = await collect(model.generate({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello world' }], maxTokens: 5 }))
    // BOS + the ChatML rendering "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHello world<|im_end|>\n
    // <|im_start|>assistant\n" in the built-in vocabulary: 43 tokens (prompt.spec.ts checks the tokens themselves).
    assert.deepEqual(chat.done.usage, { promptTokens: 43, completionTokens: 5 })
    const plain = await collect(model.generate({ prompt: 'Hello world', maxTokens: 5 }))
    assert.equal(plain.done.usage.promptTokens, 8)
  })

  it('runs 4 concurrent generations that each equal the same request run alone', async () => {
    const reqs: GenerateRequest[] = [
      { prompt: 'Hello world', maxTokens: 48 },
      { prompt: 'the worker and the proxy answer a question', maxTokens: 40 },
      { messages: [{ role: 'user', content: 'What is the price of a job?' }], maxTokens: 44 },
      { prompt: 'one two three', maxTokens: 36, temperature: 0.8, seed: 42, topP: 0.9 }
    ]
    const alone: Array<Awaited<ReturnType<typeof collect>>> = []
    for (const r of reqs) alone.push(await collect(model.generate(r)))
    // Each job starts once the one before it has produced its first event, so later jobs' prompts
    // are evaluated in the same batches as earlier jobs' decoding. Starting on events rather than
    // timers makes the overlap a matter of decode steps, which a loaded machine does not reorder:
    // the fourth job's first token comes a few steps into the first job's 48. "Decoding" counts
    // jobs between their first token and their end, so a job that holds a slot but gets no tokens
    // (as when each job cleared its slot on start, behind node-llama-cpp's context lock) does not count.
    const together = async (): Promise<{ results: Array<Awaited<ReturnType<typeof collect>>>, peakDecoding: number }> => {
      const state = reqs.map(() => 'waiting')
      let peakDecoding = 0
      const firstEvent = reqs.map(() => Promise.withResolvers<void>())
      const watch = async function * (events: AsyncIterable<GenerateEvent>, i: number): AsyncGenerator<GenerateEvent> {
        for await (const ev of events) {
          state[i] = ev.type === 'done' ? 'done' : 'decoding'
          peakDecoding = Math.max(peakDecoding, state.filter(s => s === 'decoding').length)
          firstEvent[i].resolve()
          yield ev
        }
      }
      const results = await Promise.all(reqs.map(async (r, i) => {
        if (i > 0) await firstEvent[i - 1].promise
        return await collect(watch(model.generate(r), i))
      }))
      return { results, peakDecoding }
    }
    // llama.cpp's attention sums run over the context's shared KV cells, so where a job's tokens sit among
    // other jobs' can change a sum's last bits, and on the built-in model (untrained weights, near-flat
    // logits) that can flip one near-tied token: runs in CI diverged 1 time in 4-10, always after a matching
    // start. So equality has up to 5 schedules to hold in. A job reading or writing another job's cells, or a
    // slot not cleared, diverges in every schedule and still fails.
    let mismatch = ''
    for (let attempt = 0; attempt < 5; attempt++) {
      const { results, peakDecoding } = await together()
      assert.equal(peakDecoding, 4, 'all 4 jobs were decoding at the same time')
      const differs = results.findIndex((r, i) => r.text !== alone[i].text || JSON.stringify(r.done) !== JSON.stringify(alone[i].done))
      if (differs < 0) {
        mismatch = ''
        break
      }
      mismatch = `request ${differs}: ${JSON.stringify(results[differs].text)} vs alone ${JSON.stringify(alone[differs].text)}`
    }
    assert.equal(mismatch, '', 'in 5 schedules, never did every concurrent job equal its run alone')
    assert.equal(model.busySlots(), 0)
  })

  it('gives the same sampled text for the same seed and different text for another seed', async () => {
    const req: GenerateRequest = { prompt: 'Hello', maxTokens: 24, temperature: 1, seed: 7 }
    const a = await collect(model.generate(req))
    const b = await collect(model.generate(req))
    const c = await collect(model.generate({ ...req, seed: 8 }))
    assert.equal(a.text, b.text)
    assert.notEqual(a.text, c.text)
  })

  it('applies topP: a tiny topP leaves only the likeliest token, so it samples the greedy text', async () => {
    const greedy = await collect(model.generate({ prompt: 'Hello', maxTokens: 24 }))
    const sampled = { prompt: 'Hello', maxTokens: 24, temperature: 1, seed: 7 }
    const full = await collect(model.generate({ ...sampled, topP: 1 }))
    const tiny = await collect(model.generate({ ...sampled, topP: 1e-6 }))
    assert.notEqual(full.text, greedy.text) // at temperature 1 this seed does leave the greedy path...
    assert.equal(tiny.text, greedy.text) // ...which topP alone brings it back to
  })

  it('stops before a stop sequence and counts the tokens generated', async () => {
    const full = await collect(model.generate({ prompt: 'Hello world', maxTokens: 20 }))
    const stop = 'about'
    const at = full.text.indexOf(stop)
    assert.ok(at > 0)
    const cut = await collect(model.generate({ prompt: 'Hello world', maxTokens: 20, stop: [stop] }))
    assert.equal(cut.text, full.text.slice(0, at))
    assert.equal(cut.done.finishReason, 'stop')
    assert.ok(cut.done.usage.completionTokens < 20 && cut.done.usage.completionTokens > 0)
  })

  it('stops within 100 ms of a cancel and frees the slot', async () => {
    const ac = new AbortController()
    let abortedAt = 0
    let tokens = 0
    let doneAfterMs = -1
    let finish = ''
    for await (const ev of model.generate({ prompt: 'Hello', maxTokens: 1900 }, ac.signal)) {
      if (ev.type === 'token' && ++tokens === 10) {
        abortedAt = performance.now()
        ac.abort()
      } else if (ev.type === 'done') {
        doneAfterMs = performance.now() - abortedAt
        finish = ev.finishReason
        assert.ok(ev.usage.completionTokens < 1900)
      }
    }
    assert.equal(finish, 'cancelled')
    assert.ok(doneAfterMs >= 0 && doneAfterMs < 100, `done ${doneAfterMs} ms after abort`)
    assert.equal(model.busySlots(), 0)
  })

  it('stops within 100 ms when a timer aborts while the consumer waits on next(), and the slot serves the next job', async () => {
    const single = await engine.load(path, { id: 'cocoon-tiny', slots: 1 })
    try {
      const ac = new AbortController()
      const events = single.generate({ prompt: 'Hello', maxTokens: 1900 }, ac.signal)[Symbol.asyncIterator]()
      let abortedAt = 0
      // Fires while the loop below is suspended in `await events.next()`: that is the only time timers run.
      const timer = setTimeout(() => { abortedAt = performance.now(); ac.abort() }, 5)
      let done: { finishReason: string, usage: { completionTokens: number } } | undefined
      let doneAt = 0
      try {
        while (true) {
          const r = await events.next()
          if (r.done === true) break
          if (r.value.type === 'done') { done = r.value; doneAt = performance.now() }
        }
      } finally {
        clearTimeout(timer)
      }
      assert.ok(abortedAt > 0, 'the generation ended before the timer fired')
      assert.equal(done?.finishReason, 'cancelled')
      assert.ok(done.usage.completionTokens < 1900)
      assert.ok(doneAt - abortedAt < 100, `done ${doneAt - abortedAt} ms after the abort`)
      // The only sequence went back to the pool: with one slot, a job that found it missing would be refused as busy.
      assert.equal(single.busySlots(), 0)
      const next = await collect(single.generate({ prompt: 'Hello world', maxTokens: 20 }))
      assert.equal(next.text, 'x hel wayfu makalR plefu my othe loo# has nu about haneid')
    } finally {
      await single.close()
    }
  })

  it('returns at once, cancelled, for a signal aborted before the start', async () => {
    const r = await collect(model.generate({ prompt: 'Hello', maxTokens: 10 }, AbortSignal.abort()))
    assert.equal(r.done.finishReason, 'cancelled')
    assert.equal(r.done.usage.completionTokens, 0)
  })

  it('rejects bad requests and prompts that overflow the context with typed errors', async () => {
    assert.throws(() => model.generate({ maxTokens: 3 }), { name: 'InvalidGenerateRequestError', code: 'BAD_REQUEST' })
    await assert.rejects(collect(model.generate({ prompt: 'Hello', maxTokens: 2048 })), { name: 'ContextOverflowError', code: 'BAD_REQUEST' })
  })

  it('refuses a job when every slot is busy', async () => {
    const single = await engine.load(path, { id: 'cocoon-tiny', slots: 1 })
    try {
      const ac = new AbortController()
      const running = single.generate({ prompt: 'Hello', maxTokens: 1000 }, ac.signal)[Symbol.asyncIterator]()
      await running.next() // the job now holds the only slot
      assert.equal(single.busySlots(), 1)
      await assert.rejects(collect(single.generate({ prompt: 'Hi', maxTokens: 2 })), { name: 'ModelBusyError', code: 'NO_CAPACITY' })
      ac.abort()
      while (!(await running.next()).done) { /* drain */ }
      assert.equal(single.busySlots(), 0)
    } finally {
      await single.close()
    }
  })

  it('refuses a model that does not fit in free memory before reading the file to hash it', async () => {
    const small = new NodeLlamaCppEngine({ gpu: false, memoryProbe: async () => ({ ramBytes: 64 * 2 ** 20, vramBytes: 0 }) })
    try {
      const phases: string[] = []
      // No sha256 given: a load that fits would hash the file first (and report 'hash' progress).
      await assert.rejects(small.load(path, { onProgress: p => phases.push(p.phase) }), { name: 'InsufficientMemoryError', code: 'INSUFFICIENT_MEMORY' })
      assert.deepEqual(phases, [])
      await assert.rejects(small.checkFits(path, { slots: 1 }), { name: 'InsufficientMemoryError' })
      await engine.checkFits(path, { slots: 4 }) // fits on this machine
    } finally {
      await small.close()
    }
  })

  it('forgets a model once it is closed, by whoever closes it', async () => {
    const extra = await engine.load(path, { id: 'extra', slots: 1 })
    assert.ok(engine.loadedModels().includes(extra))
    await extra.close()
    assert.ok(!engine.loadedModels().includes(extra))
    assert.ok(engine.loadedModels().includes(model))
  })

  it('measures its own speed', async () => {
    const speed = await measureSpeed(model)
    assert.ok(speed.tokensPerSecond > 0)
    assert.ok(speed.firstTokenMs > 0)
  })
})
