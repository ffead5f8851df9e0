import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { ensureBuiltinModel } from '../../models/builtin/ensure.js'
import { tempDir, writeUnknownArchitectureModel, writeWrongShapeModel } from './fixtures.js'

/** Short, so the test does not wait the 5 s default; closing must end this soon after it. */
const DISPOSE_TIMEOUT_MS = 1000
/** The child is killed (and the test fails) if closing hangs. */
const CHILD_TIMEOUT_MS = 60_000

interface ChildReport {
  errors: Array<{ name: string, code?: string, message: string } | null>
  text: string
  loaded: string[]
  closeMs: number
  warnings: string[]
}

describe('models: a GGUF that passes our checks but llama.cpp refuses', () => {
  let cleanup: () => Promise<void>
  let files: string[]

  before(async () => {
    const t = await tempDir()
    cleanup = t.cleanup
    const tiny = (await ensureBuiltinModel(t.dir)).path
    files = [tiny, await writeUnknownArchitectureModel(t.dir, tiny), await writeWrongShapeModel(t.dir, tiny)]
  })
  after(async () => { await cleanup() })

  it('fails with a ModelLoadError quoting llama.cpp, leaves the other model serving, and the engine still closes', async () => {
    const child = fileURLToPath(new URL('./refused-load.child.js', import.meta.url))
    const { stdout } = await promisify(execFile)(process.execPath, [child, ...files, String(DISPOSE_TIMEOUT_MS)], { timeout: CHILD_TIMEOUT_MS })
    const r = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ChildReport

    const [lxama, wrongShape] = r.errors
    assert.equal(lxama?.name, 'ModelLoadError')
    assert.equal(lxama?.code, 'MODEL_LOAD_FAILED')
    assert.match(lxama?.message ?? '', /Failed to load model \(llama\.cpp: .*unknown model architecture: 'lxama'/)
    assert.equal(wrongShape?.name, 'ModelLoadError')
    assert.match(wrongShape?.message ?? '', /tensor 'output_norm\.weight' has wrong shape/)

    assert.equal(r.text, 'x hel wayfu makalR plefu my othe loo# has nu about haneid') // as in engine.spec.ts
    assert.deepEqual(r.loaded, ['cocoon-tiny'])

    assert.ok(r.closeMs < DISPOSE_TIMEOUT_MS + 2000, `close took ${r.closeMs} ms`)
    // The bounded wait is what ended close (if this fails because close was quick, node-llama-cpp fixed the leak).
    assert.ok(r.warnings.some(m => m.includes('did not release its backend')), r.warnings.join('\n'))
  })
})
