import assert from 'node:assert/strict'
import { pino } from 'pino'
import { NodeLlamaCppEngine } from '../../models/llama/engine.js'
import { ensureBuiltinModel } from '../../models/builtin/ensure.js'
import { collect, collectGarbage, tempDir, writeUnknownArchitectureModel, writeWrongShapeModel } from './fixtures.js'

/** Short, so the test does not wait the 5 s default; closing must end this soon after it. */
const DISPOSE_TIMEOUT_MS = 1000

describe('models: a GGUF that passes our checks but llama.cpp refuses', () => {
  let cleanup: () => Promise<void>
  let tiny: string
  let lxama: string
  let wrongShape: string

  before(async () => {
    const t = await tempDir()
    cleanup = t.cleanup
    tiny = (await ensureBuiltinModel(t.dir)).path
    lxama = await writeUnknownArchitectureModel(t.dir, tiny)
    wrongShape = await writeWrongShapeModel(t.dir, tiny)
  })
  after(async () => { await cleanup() })

  it('fails with a ModelLoadError quoting llama.cpp, leaves the other model serving, and the engine still closes', async () => {
    const warnings: string[] = []
    const logger = pino({ level: 'warn' }, { write: (line: string) => { warnings.push(JSON.parse(line).msg) } })
    const engine = new NodeLlamaCppEngine({ gpu: false, logger, disposeTimeoutMs: DISPOSE_TIMEOUT_MS })
    let closed = false
    try {
      const good = await engine.load(tiny, { id: 'cocoon-tiny', slots: 2 })
      await assert.rejects(engine.load(lxama), (err: Error & { code?: string }) => {
        assert.equal(err.name, 'ModelLoadError')
        assert.equal(err.code, 'MODEL_LOAD_FAILED')
        assert.match(err.message, /Failed to load model \(llama\.cpp: .*unknown model architecture: 'lxama'/)
        return true
      })
      await assert.rejects(engine.load(wrongShape), { name: 'ModelLoadError', message: /tensor 'output_norm\.weight' has wrong shape/ })

      const r = await collect(good.generate({ prompt: 'Hello world', maxTokens: 20 }))
      assert.equal(r.text, 'x hel wayfu makalR plefu my othe loo# has nu about haneid') // as in engine.spec.ts
      assert.deepEqual(engine.loadedModels(), [good])

      // node-llama-cpp 3.21.1 keeps a handle on the backend for each refused model; once the
      // half-made model is collected nothing releases it and llama.dispose() never returns.
      collectGarbage()
      const started = Date.now()
      await engine.close()
      closed = true
      const took = Date.now() - started
      assert.ok(took < DISPOSE_TIMEOUT_MS + 2000, `close took ${took} ms`)
      // The bounded wait is what ended close (if this fails because close was quick, node-llama-cpp fixed the leak).
      assert.ok(warnings.some(m => m.includes('did not release its backend')), warnings.join('\n'))
    } finally {
      if (!closed) await engine.close()
    }
  })
})
