import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFile, writeFile, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { NodeLlamaCppEngine } from '../../models/llama/engine.js'
import { ModelHost } from '../../models/host.js'
import { ensureBuiltinModel, BUILTIN_MODEL_SHA256 } from '../../models/builtin/ensure.js'
import { addModelFile, listModels } from '../../models/catalog/add.js'
import { indexPath, modelsDir, readModelIndex } from '../../models/catalog/local-index.js'
import { resolveModelRef } from '../../models/resolve.js'
import { collect, tempDir, writeBadModels } from './fixtures.js'
import type { InferenceEngine } from '../../models/engine.js'

describe('models: catalog, index and model host', () => {
  let dir: string
  let cleanup: () => Promise<void>
  let engine: NodeLlamaCppEngine
  let bad: { notGguf: string, truncated: string, corrupt: string }
  let tinyCopy: string
  let variantSha: string

  before(async () => {
    ({ dir, cleanup } = await tempDir())
    const tiny = await ensureBuiltinModel(modelsDir(dir))
    bad = await writeBadModels(dir, tiny.path)
    // A valid GGUF that is not the built-in model: one weight bit flipped, so a new sha256.
    tinyCopy = join(dir, 'My-Tiny.gguf')
    const bytes = await readFile(tiny.path)
    bytes[bytes.length - 1] ^= 1
    await writeFile(tinyCopy, bytes)
    variantSha = createHash('sha256').update(bytes).digest('hex')
    engine = new NodeLlamaCppEngine({ gpu: false })
  })
  after(async () => {
    await engine.close()
    await cleanup()
  })

  it('`models add` hashes a GGUF, reads its metadata and records it in index.json', async () => {
    const progress: number[] = []
    const { record: rec, warnings } = await addModelFile(dir, tinyCopy, { onProgress: p => { if (p.phase === 'hash') progress.push(p.done / p.total) } })
    assert.deepEqual(warnings, [])
    assert.equal(rec.id, 'my-tiny')
    assert.equal(rec.sha256, variantSha)
    assert.equal(rec.catalogId, undefined)
    assert.equal(rec.architecture, 'llama')
    assert.equal(rec.contextLength, 2048)
    assert.equal(progress.at(-1), 1)
    const index = JSON.parse(await readFile(indexPath(dir), 'utf8'))
    assert.equal(index.models[0].path, tinyCopy)
    const rows = await listModels(dir)
    assert.ok(rows.some(r => r.id === 'my-tiny' && r.installed))
    assert.ok(rows.some(r => r.id === 'cocoon-tiny' && r.installed))
    assert.ok(rows.some(r => r.id === 'qwen2.5-7b-instruct-q4_k_m' && !r.installed && r.url?.startsWith('https://huggingface.co/')))
  })

  it('`models add` refuses non-GGUF and damaged files with typed errors and records nothing', async () => {
    const before = await readModelIndex(dir)
    await assert.rejects(addModelFile(dir, bad.notGguf), { name: 'NotGgufError' })
    await assert.rejects(addModelFile(dir, bad.truncated), { name: 'CorruptGgufError' })
    await assert.rejects(addModelFile(dir, bad.corrupt), { name: 'CorruptGgufError' })
    assert.deepEqual(await readModelIndex(dir), before)
  })

  it('resolves ids, sha256s and paths, and says what is missing', async () => {
    assert.equal((await resolveModelRef('cocoon-tiny', dir)).sha256, BUILTIN_MODEL_SHA256)
    assert.equal((await resolveModelRef('my-tiny', dir)).path, tinyCopy)
    assert.equal((await resolveModelRef(variantSha, dir)).id, 'my-tiny')
    assert.equal((await resolveModelRef(tinyCopy, dir)).id, 'my-tiny') // known by its hash
    await assert.rejects(resolveModelRef('qwen2.5-0.5b-instruct-q4_k_m', dir), { name: 'ModelNotInstalledError' })
    await assert.rejects(resolveModelRef('no-such-model', dir), { name: 'UnknownModelError', code: 'UNKNOWN_MODEL' })
  })

  it('re-hashes an indexed file whose size or mtime changed', async () => {
    const changed = join(dir, 'changed.gguf')
    await writeFile(changed, await readFile(join(modelsDir(dir), 'cocoon-tiny.gguf')))
    const { record: rec } = await addModelFile(dir, changed, { id: 'changed' })
    assert.equal(rec.catalogId, 'cocoon-tiny') // an exact copy is recognised by its hash
    const bytes = await readFile(changed)
    bytes[bytes.length - 2] ^= 1 // a flipped weight bit: same size, new identity
    await writeFile(changed, bytes)
    await utimes(changed, new Date(), new Date(Date.now() + 5000))
    const r = await resolveModelRef('changed', dir)
    assert.equal(r.sha256, createHash('sha256').update(bytes).digest('hex'))
    assert.equal((await readModelIndex(dir)).find(m => m.id === 'changed')?.sha256, r.sha256)
  })

  it('serves the good models and reports typed errors for the bad ones', async () => {
    const progress: string[] = []
    const host = new ModelHost({ engine, dataDir: dir, slots: 2, onProgress: (ref, p) => progress.push(`${ref}:${p.phase}`) })
    try {
      const { loaded, failed } = await host.start(['cocoon-tiny', bad.notGguf, bad.truncated, bad.corrupt, 'llama-3.2-1b-instruct-q4_k_m', 'nope'])
      assert.equal(loaded.length, 1)
      assert.deepEqual(failed.map(f => [f.ref, f.error.name]), [
        [bad.notGguf, 'NotGgufError'],
        [bad.truncated, 'CorruptGgufError'],
        [bad.corrupt, 'CorruptGgufError'],
        ['llama-3.2-1b-instruct-q4_k_m', 'ModelNotInstalledError'],
        ['nope', 'UnknownModelError']
      ])
      assert.ok(loaded[0].speed != null && loaded[0].speed.tokensPerSecond > 0)
      assert.ok(progress.includes('cocoon-tiny:load'))
      assert.equal(host.get('cocoon-tiny'), loaded[0].model)
      assert.equal(host.get(BUILTIN_MODEL_SHA256), loaded[0].model)
      assert.equal(host.failures().length, 5)
      // The failures did not disturb the model that loaded.
      const r = await collect(host.get('cocoon-tiny')!.generate({ prompt: 'Hello world', maxTokens: 20 }))
      assert.equal(r.text, 'x hel wayfu makalR plefu my othe loo# has nu about haneid')
      assert.equal(await host.remove('cocoon-tiny'), true)
      assert.equal(host.list().length, 0)
      assert.deepEqual(engine.loadedModels(), []) // removed from the host = closed = no longer held by the engine
    } finally {
      await host.close()
    }
  })

  it('closes a model whose speed measurement fails, so nothing stays loaded', async () => {
    // The real engine and model; only the generation used by the speed measurement fails.
    let closed = 0
    const failingSpeed: InferenceEngine = {
      checkFits: async (p, o) => { await engine.checkFits(p, o) },
      device: async () => await engine.device(),
      close: async () => {},
      load: async (p, o) => {
        const real = await engine.load(p, o)
        return {
          info: real.info,
          slots: real.slots,
          busySlots: () => real.busySlots(),
          generate: () => { throw new Error('decode failed') },
          close: async () => { closed++; await real.close() }
        }
      }
    }
    const host = new ModelHost({ engine: failingSpeed, dataDir: dir, slots: 1 })
    try {
      const { loaded, failed } = await host.start(['cocoon-tiny'])
      assert.equal(loaded.length, 0)
      assert.equal(failed[0].error.message, 'decode failed')
      assert.equal(closed, 1)
      assert.deepEqual(engine.loadedModels(), [])
    } finally {
      await host.close()
    }
  })

  it('checks memory before hashing a file given by path, and refuses it unread', async () => {
    const small = new NodeLlamaCppEngine({ gpu: false, memoryProbe: async () => ({ ramBytes: 64 * 2 ** 20, vramBytes: 0 }) })
    const phases: string[] = []
    const host = new ModelHost({ engine: small, dataDir: dir, onProgress: (ref, p) => phases.push(`${ref}:${p.phase}`) })
    try {
      const fresh = join(dir, 'never-hashed.gguf')
      const bytes = await readFile(tinyCopy)
      bytes[bytes.length - 3] ^= 1 // a file no index record knows, so it would have to be hashed
      await writeFile(fresh, bytes)
      const { failed } = await host.start([fresh])
      assert.deepEqual(failed.map(f => f.error.name), ['InsufficientMemoryError'])
      assert.deepEqual(phases, [])
    } finally {
      await host.close()
      await small.close()
    }
  })
})

describe('models: catalog builds that pin no hash are identified by the hash recorded on add', () => {
  let dir: string
  let cleanup: () => Promise<void>
  let build: string
  let buildSha: string
  const CATALOG_ID = 'qwen2.5-0.5b-instruct-q8_0'

  before(async () => {
    ({ dir, cleanup } = await tempDir())
    const tiny = await ensureBuiltinModel(modelsDir(dir))
    // A valid GGUF saved under the published file name of a catalog build (the real one cannot be downloaded here).
    build = join(dir, 'Qwen2.5-0.5B-Instruct-Q8_0.gguf')
    const bytes = await readFile(tiny.path)
    bytes[bytes.length - 1] ^= 1
    await writeFile(build, bytes)
    buildSha = createHash('sha256').update(bytes).digest('hex')
  })
  after(async () => { await cleanup() })

  it('lists a catalog build with no hash ("on add") and refuses it as --model until its file is added', async () => {
    const row = (await listModels(dir)).find(r => r.id === CATALOG_ID)
    assert.equal(row?.sha256, undefined)
    assert.equal(row?.sha256Source, 'on-add')
    assert.equal(row?.installed, false)
    assert.equal((await listModels(dir)).find(r => r.id === 'cocoon-tiny')?.sha256Source, 'pinned')
    await assert.rejects(resolveModelRef(CATALOG_ID, dir), { name: 'ModelNotInstalledError', code: 'MODEL_NOT_INSTALLED' })
  })

  it('records the file\'s hash on add, shows it in the list, and resolves the catalog id to that file', async () => {
    const { record: rec, warnings } = await addModelFile(dir, build, { id: 'my-qwen' }) // a custom id still links it to its catalog entry
    assert.deepEqual(warnings, [])
    assert.equal(rec.catalogId, CATALOG_ID)
    assert.equal(rec.sha256, buildSha)
    const row = (await listModels(dir)).find(r => r.id === CATALOG_ID)
    assert.equal(row?.sha256, buildSha)
    assert.equal(row?.sha256Source, 'recorded')
    assert.equal(row?.installed, true)
    assert.equal(row?.path, build)
    const viaCatalogId = await resolveModelRef(CATALOG_ID, dir)
    assert.equal(viaCatalogId.path, build)
    assert.equal(viaCatalogId.sha256, buildSha)
    assert.equal((await resolveModelRef('my-qwen', dir)).sha256, buildSha)
  })
})
