import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { buildTinyModelGguf, BUILTIN_MODEL_FILE } from '../../models/builtin/tiny-model.js'
import { BUILTIN_MODEL_SHA256, ensureBuiltinModel } from '../../models/builtin/ensure.js'
import { buildVocabulary, TokenType } from '../../models/builtin/vocabulary.js'
import { inspectGguf } from '../../models/gguf/inspect.js'
import { tempDir, writeBadModels } from './fixtures.js'

describe('models: built-in model and GGUF checks', () => {
  let dir: string
  let cleanup: () => Promise<void>
  before(async () => { ({ dir, cleanup } = await tempDir()) })
  after(async () => { await cleanup() })

  it('generates the same bytes every time, with the pinned sha256 (stable across machines)', () => {
    const a = buildTinyModelGguf()
    const b = buildTinyModelGguf()
    assert.deepEqual(a, b)
    assert.equal(createHash('sha256').update(a).digest('hex'), BUILTIN_MODEL_SHA256)
  })

  it('has a SentencePiece-style vocabulary with all 256 byte-fallback tokens and unique pieces', () => {
    const vocab = buildVocabulary()
    assert.equal(vocab.filter(v => v.type === TokenType.BYTE).length, 256)
    assert.equal(new Set(vocab.map(v => v.piece)).size, vocab.length)
    assert.ok(vocab.some(v => v.piece === '\u2581the'))
    assert.ok(vocab.length > 400 && vocab.length < 1100, `vocabulary size ${vocab.length}`)
  })

  it('writes the model once and reuses it after', async () => {
    const first = await ensureBuiltinModel(dir)
    assert.equal(first.path, join(dir, BUILTIN_MODEL_FILE))
    assert.equal(first.sha256, BUILTIN_MODEL_SHA256)
    const before = await stat(first.path)
    const second = await ensureBuiltinModel(dir)
    const after = await stat(second.path)
    assert.equal(after.mtimeMs, before.mtimeMs)
    assert.equal(after.ino, before.ino)
  })

  it('rewrites a built-in model file that was damaged', async () => {
    const { path } = await ensureBuiltinModel(dir)
    await writeFile(path, 'garbage')
    const again = await ensureBuiltinModel(dir)
    assert.equal(again.sha256, BUILTIN_MODEL_SHA256)
    assert.equal((await stat(path)).size, buildTinyModelGguf().length)
  })

  it('reads the metadata of a good GGUF: llama architecture, context length, chat template', async () => {
    const { path } = await ensureBuiltinModel(dir)
    const s = await inspectGguf(path)
    assert.equal(s.architecture, 'llama')
    assert.equal(s.contextLength, 2048)
    assert.equal(s.version, 3)
    assert.equal(s.hasChatTemplate, true)
    assert.equal(s.tensorCount, 2 + 3 * 9 + 1)
  })

  it('refuses a non-GGUF, a truncated and a corrupt GGUF with typed errors', async () => {
    const { path } = await ensureBuiltinModel(dir)
    const bad = await writeBadModels(dir, path)
    await assert.rejects(inspectGguf(bad.notGguf), { name: 'NotGgufError', code: 'NOT_GGUF' })
    await assert.rejects(inspectGguf(bad.truncated), (err: any) => err.name === 'CorruptGgufError' && /truncated/.test(err.message))
    await assert.rejects(inspectGguf(bad.corrupt), { name: 'CorruptGgufError', code: 'CORRUPT_GGUF' })
    await assert.rejects(inspectGguf(join(dir, 'missing.gguf')), { name: 'ModelFileNotFoundError' })
  })

  it('calls a file cut inside its header, metadata or tensor table truncated', async () => {
    const { path } = await ensureBuiltinModel(dir)
    const good = await readFile(path)
    const cut = join(dir, 'cut.gguf')
    for (const bytes of [8, 12, 20, 24, 40, 100, 1000]) {
      await writeFile(cut, good.subarray(0, bytes))
      await assert.rejects(inspectGguf(cut), (err: any) => err.name === 'CorruptGgufError' && /truncated/.test(err.message), `cut at ${bytes} bytes`)
    }
  })
})
