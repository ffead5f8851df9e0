import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ensureBuiltinModel } from '../../models/builtin/ensure.js'
import { addModelFile, listModels } from '../../models/catalog/add.js'
import { findCatalogEntry } from '../../models/catalog/known.js'
import { modelsDir, readModelIndex } from '../../models/catalog/local-index.js'
import { resolveModelRef } from '../../models/resolve.js'
import { tempDir, writeUnknownArchitectureModel } from './fixtures.js'

describe('models: `models add` with pinned catalog builds and unknown architectures', () => {
  let dir: string
  let cleanup: () => Promise<void>
  let tinyPath: string
  const PINNED_ID = 'qwen2.5-0.5b-instruct-q4_k_m'

  before(async () => {
    ({ dir, cleanup } = await tempDir())
    tinyPath = (await ensureBuiltinModel(modelsDir(dir))).path
  })
  after(async () => { await cleanup() })

  it('records a file named like a pinned build but with another hash as an unlisted model, and says why', async () => {
    const pinned = findCatalogEntry(PINNED_ID)!
    assert.equal(pinned.sha256Source, 'pinned')
    // A valid GGUF under the pinned build's published file name (the real one cannot be downloaded here).
    const impostor = join(dir, pinned.fileName)
    const bytes = await readFile(tinyPath)
    bytes[bytes.length - 1] ^= 1
    await writeFile(impostor, bytes)
    const otherSha = createHash('sha256').update(bytes).digest('hex')
    const { record, warnings } = await addModelFile(dir, impostor)
    assert.equal(record.catalogId, undefined)
    assert.equal(record.id, `${PINNED_ID}-${otherSha.slice(0, 12)}`)
    assert.equal(record.name, 'Cocoon Tiny (built-in, random weights)') // its own general.name, not the catalog's
    assert.equal(warnings.length, 1)
    assert.equal(warnings[0].code, 'CATALOG_HASH_MISMATCH')
    assert.deepEqual(
      warnings[0].code === 'CATALOG_HASH_MISMATCH' ? [warnings[0].catalogId, warnings[0].catalogSha256, warnings[0].sha256] : [],
      [PINNED_ID, pinned.sha256, otherSha])
    assert.match(warnings[0].message, /not the catalog's/)

    // The catalog build stays "not added", with its published hash; its id does not reach the file.
    const row = (await listModels(dir)).find(r => r.id === PINNED_ID)
    assert.deepEqual([row?.installed, row?.sha256, row?.sha256Source], [false, pinned.sha256, 'pinned'])
    await assert.rejects(resolveModelRef(PINNED_ID, dir), { name: 'ModelNotInstalledError' })
    await assert.rejects(resolveModelRef(pinned.sha256!, dir), { name: 'ModelNotInstalledError' })
    assert.equal((await resolveModelRef(impostor, dir)).id, record.id)
    assert.equal((await resolveModelRef(record.id, dir)).sha256, otherSha)
  })

  it('warns about an architecture the bundled llama.cpp does not list, and records the file', async () => {
    const lxama = await writeUnknownArchitectureModel(dir, tinyPath)
    const { record, warnings } = await addModelFile(dir, lxama)
    assert.equal(record.architecture, 'lxama')
    assert.deepEqual(warnings.map(w => w.code), ['UNSUPPORTED_ARCHITECTURE'])
    assert.match(warnings[0].message, /"lxama".*MODEL_LOAD_FAILED/)
    assert.ok((await readModelIndex(dir)).some(m => m.id === 'lxama'))
  })
})
