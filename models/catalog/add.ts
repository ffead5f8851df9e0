/**
 * `cocoon models add PATH` and `cocoon models list`: register a GGUF file in the node's index
 * (after checking it is a complete GGUF and hashing it) and list catalog + installed models.
 */
import { stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { inspectGguf } from '../gguf/inspect.js'
import { hashFile } from '../hash.js'
import { CATALOG, estimateMemoryBytes, matchCatalogEntry } from './known.js'
import { putModelRecord, readModelIndex, type ModelRecord } from './local-index.js'
import { BUILTIN_MODEL_ID } from '../builtin/tiny-model.js'
import type { LoadProgress } from '../engine.js'

export interface AddModelOptions {
  /** Id to register under. @default the catalog id it matches, else the file name in lower case */
  id?: string
  onProgress?: (p: LoadProgress) => void
  signal?: AbortSignal
}

/** Id derived from a file name: lower case, `.gguf` dropped, anything odd turned into `-`. */
export function idFromFileName (fileName: string): string {
  return basename(fileName).replace(/\.gguf$/i, '').toLowerCase().replace(/[^a-z0-9._-]+/g, '-')
}

/** Hashes and inspects `path` and stores it in `<data>/models/index.json`. Throws typed GGUF errors. */
export async function addModelFile (dataDir: string, path: string, opts: AddModelOptions = {}): Promise<ModelRecord> {
  const absolute = resolve(path)
  const summary = await inspectGguf(absolute) // refuses non-GGUF, damaged and truncated files first
  const sha256 = await hashFile(absolute, opts.onProgress, opts.signal)
  const entry = matchCatalogEntry(sha256, basename(absolute))
  const { mtimeMs } = await stat(absolute)
  const record: ModelRecord = {
    id: (opts.id ?? entry?.id ?? idFromFileName(absolute)).toLowerCase(),
    name: entry?.name ?? summary.name ?? basename(absolute),
    path: absolute,
    sha256,
    sizeBytes: summary.sizeBytes,
    mtimeMs,
    architecture: summary.architecture,
    contextLength: summary.contextLength,
    catalogId: entry?.id,
    license: entry?.license ?? summary.license,
    addedAt: new Date().toISOString()
  }
  await putModelRecord(dataDir, record)
  return record
}

export interface ModelListRow {
  id: string
  name: string
  sha256?: string
  /**
   * Where `sha256` comes from: 'pinned' by the catalog (the built-in model), 'recorded' when the
   * operator added the file, 'on-add' for a catalog build not added yet (no hash known until then).
   */
  sha256Source: 'pinned' | 'recorded' | 'on-add'
  sizeBytes: number
  sizeIsApproximate: boolean
  contextLength?: number
  /** Memory for one slot with the default context window; undefined for files not in the catalog. */
  memoryBytes?: number
  license?: string
  /** Usable here without a download (added, or the built-in model). */
  installed: boolean
  path?: string
  /** Download location for catalog models not yet added. */
  url?: string
}

/** Catalog entries (marked installed when added) followed by added files that are not in the catalog. */
export async function listModels (dataDir: string): Promise<ModelListRow[]> {
  const records = await readModelIndex(dataDir)
  const rows: ModelListRow[] = CATALOG.map(e => {
    const rec = records.find(r => r.catalogId === e.id)
    return {
      id: e.id,
      name: e.name,
      sha256: rec?.sha256 ?? e.sha256,
      sha256Source: rec != null ? 'recorded' : e.sha256Source,
      sizeBytes: rec?.sizeBytes ?? e.sizeBytes,
      sizeIsApproximate: rec == null && e.sizeIsApproximate,
      contextLength: e.contextLength,
      memoryBytes: estimateMemoryBytes(e),
      license: e.license,
      installed: e.id === BUILTIN_MODEL_ID || rec != null,
      path: rec?.path,
      url: e.url !== '' ? e.url : undefined
    }
  })
  for (const r of records) {
    if (r.catalogId != null && CATALOG.some(e => e.id === r.catalogId)) continue
    rows.push({ id: r.id, name: r.name, sha256: r.sha256, sha256Source: 'recorded', sizeBytes: r.sizeBytes, sizeIsApproximate: false, contextLength: r.contextLength, license: r.license, installed: true, path: r.path })
  }
  return rows
}
