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
    const rec = await addModelFile(dir, tinyCopy, { onProgress: p => { if (p.phase === 'hash') progress.push(p.done / p.total) } })
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
    const rec = await addModelFile(dir, changed, { id: 'changed' })
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
    } finally {
      await host.close()
    }
  })
})
