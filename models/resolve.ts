/**
 * Resolves a `--model ID|PATH` value to a file and its sha256: the built-in id, an id or sha256
 * from the node's index, a catalog id (which must have been added first), or a GGUF path.
 */
import { stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { ensureBuiltinModel } from './builtin/ensure.js'
import { BUILTIN_MODEL_ID, BUILTIN_MODEL_NAME } from './builtin/tiny-model.js'
import { unlistedModelId } from './catalog/add.js'
import { findCatalogEntry, matchCatalogEntry } from './catalog/known.js'
import { findModelRecord, modelsDir, putModelRecord, readModelIndex } from './catalog/local-index.js'
import { ModelNotInstalledError, UnknownModelError } from './errors.js'
import { inspectGguf } from './gguf/inspect.js'
import { hashFile } from './hash.js'
import type { LoadProgress } from './engine.js'

export interface ResolvedModel {
  /** The value the operator gave. */
  ref: string
  id: string
  name?: string
  path: string
  sha256: string
}

export interface ResolveOptions {
  onProgress?: (p: LoadProgress) => void
  signal?: AbortSignal
  /**
   * Runs on a file before it is hashed (ModelHost passes the engine's memory check), so a
   * multi-gigabyte model that cannot be served is refused before it is read end to end.
   */
  beforeHash?: (path: string) => Promise<void>
}

async function fileStat (path: string): Promise<{ size: number, mtimeMs: number } | undefined> {
  try {
    const s = await stat(path)
    return s.isFile() ? s : undefined
  } catch {
    return undefined
  }
}

export async function resolveModelRef (ref: string, dataDir: string, opts: ResolveOptions = {}): Promise<ResolvedModel> {
  if (ref === BUILTIN_MODEL_ID) {
    const f = await ensureBuiltinModel(modelsDir(dataDir))
    return { ref, id: BUILTIN_MODEL_ID, name: BUILTIN_MODEL_NAME, path: f.path, sha256: f.sha256 }
  }
  const records = await readModelIndex(dataDir)
  const record = findModelRecord(records, ref)
  if (record != null) {
    const s = await fileStat(record.path)
    if (s == null) throw new UnknownModelError(ref, `its file ${record.path} is gone; add it again with \`cocoon models add PATH\``)
    if (s.size === record.sizeBytes && s.mtimeMs === record.mtimeMs) {
      return { ref, id: record.id, name: record.name, path: record.path, sha256: record.sha256 }
    }
    // The file changed since it was added: its hash (the model's identity) must be taken again.
    await opts.beforeHash?.(record.path)
    const sha256 = await hashFile(record.path, opts.onProgress, opts.signal)
    await putModelRecord(dataDir, { ...record, sha256, sizeBytes: s.size, mtimeMs: s.mtimeMs })
    return { ref, id: record.id, name: record.name, path: record.path, sha256 }
  }
  const entry = findCatalogEntry(ref)
  if (entry != null) throw new ModelNotInstalledError(entry.id, entry.fileName, entry.url)

  const path = resolve(ref)
  if (await fileStat(path) == null) {
    throw new UnknownModelError(ref, 'not a catalog id, not in this node\'s model index, and not a file (see `cocoon models list`)')
  }
  await inspectGguf(path) // refuse a non-GGUF or damaged file before spending time hashing it
  await opts.beforeHash?.(path)
  const sha256 = await hashFile(path, opts.onProgress, opts.signal)
  const known = findModelRecord(records, sha256)
  const catalog = matchCatalogEntry(sha256, basename(path))
  return { ref, id: known?.id ?? catalog?.id ?? unlistedModelId(path, sha256), name: known?.name ?? catalog?.name, path, sha256 }
}
