/**
 * `cocoon models add PATH` and `cocoon models list`: register a GGUF file in the node's index
 * (after checking it is a complete GGUF and hashing it) and list catalog + installed models.
 */
import { stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import * as nodeLlamaCpp from 'node-llama-cpp'
import { inspectGguf } from '../gguf/inspect.js'
import { hashFile } from '../hash.js'
import { CATALOG, estimateMemoryBytes, findCatalogEntry, matchCatalogEntry, pinnedEntryWithOtherHash } from './known.js'
import { putModelRecord, readModelIndex, type ModelRecord } from './local-index.js'
import { BUILTIN_MODEL_ID } from '../builtin/tiny-model.js'
import type { LoadProgress } from '../engine.js'

export interface AddModelOptions {
  /** Id to register under. @default the catalog id it matches, else the file name in lower case */
  id?: string
  onProgress?: (p: LoadProgress) => void
  signal?: AbortSignal
}

/**
 * Something the operator should know about a file that was recorded anyway. The file is a
 * complete GGUF, so refusing it would be our guess; the warning says what will happen instead.
 */
export type AddModelWarning =
  | { code: 'CATALOG_HASH_MISMATCH', message: string, catalogId: string, catalogSha256: string, sha256: string }
  | { code: 'UNSUPPORTED_ARCHITECTURE', message: string, architecture: string }

export interface AddedModel {
  record: ModelRecord
  warnings: AddModelWarning[]
}

/** Hex digits of the hash appended to an unlisted file's id when its name is a catalog id's. */
const UNLISTED_ID_SHA256_CHARS = 12

/**
 * Architectures the bundled llama.cpp build knows, as node-llama-cpp lists them. An architecture
 * outside it is warned about, not refused: the list is TypeScript kept by hand next to the native
 * build and could lag it, and a load that does fail reports llama.cpp's own reason.
 */
const KNOWN_ARCHITECTURES: ReadonlySet<string> = new Set(Object.values(
  // Typed as a `const enum` (so TypeScript forbids reading it whole) but exported as an object at run time.
  (nodeLlamaCpp as unknown as { GgufArchitectureType: Record<string, string> }).GgufArchitectureType
))

/** Id derived from a file name: lower case, `.gguf` dropped, anything odd turned into `-`. */
export function idFromFileName (fileName: string): string {
  return basename(fileName).replace(/\.gguf$/i, '').toLowerCase().replace(/[^a-z0-9._-]+/g, '-')
}

/**
 * Id of a file that matches no catalog entry: its file name, plus the start of its hash when the
 * name alone is a catalog id (a build saved under a pinned build's name but with other bytes), so
 * `--model <catalog id>` never reaches a file that is not that build.
 */
export function unlistedModelId (fileName: string, sha256: string): string {
  const id = idFromFileName(fileName)
  return findCatalogEntry(id) == null ? id : `${id}-${sha256.slice(0, UNLISTED_ID_SHA256_CHARS)}`
}

/**
 * Hashes and inspects `path` and stores it in `<data>/models/index.json`. Throws typed GGUF
 * errors; returns warnings for a file that is recorded but is not what its name or metadata suggest.
 */
export async function addModelFile (dataDir: string, path: string, opts: AddModelOptions = {}): Promise<AddedModel> {
  const absolute = resolve(path)
  const summary = await inspectGguf(absolute) // refuses non-GGUF, damaged and truncated files first
  const sha256 = await hashFile(absolute, opts.onProgress, opts.signal)
  const entry = matchCatalogEntry(sha256, basename(absolute))
  const { mtimeMs } = await stat(absolute)
  const record: ModelRecord = {
    id: (opts.id ?? entry?.id ?? unlistedModelId(absolute, sha256)).toLowerCase(),
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
  const warnings: AddModelWarning[] = []
  const namesake = entry == null ? pinnedEntryWithOtherHash(sha256, basename(absolute)) : undefined
  if (namesake?.sha256 != null) {
    warnings.push({
      code: 'CATALOG_HASH_MISMATCH',
      message: `${basename(absolute)} has the file name of catalog build ${namesake.id}, but its sha256 ${sha256} is not ` +
        `the catalog's ${namesake.sha256}: recorded as unlisted model ${record.id}, not as ${namesake.id}. ` +
        `The catalog's file is ${namesake.url}`,
      catalogId: namesake.id,
      catalogSha256: namesake.sha256,
      sha256
    })
  }
  if (!KNOWN_ARCHITECTURES.has(summary.architecture)) {
    warnings.push({
      code: 'UNSUPPORTED_ARCHITECTURE',
      message: `${basename(absolute)} declares architecture "${summary.architecture}", which is not one the bundled llama.cpp ` +
        'lists: serving it will most likely fail with MODEL_LOAD_FAILED',
      architecture: summary.architecture
    })
  }
  return { record, warnings }
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
