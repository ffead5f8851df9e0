/**
 * Models operators are likely to serve, plus the built-in one. Real GGUFs are not shipped; an
 * operator downloads the file named here and runs `cocoon models add PATH`, which hashes it and
 * links it to the entry: by sha256 when the entry pins one, else by file name.
 *
 * A model's network identity is the sha256 of its file, so a pinned hash must be the published
 * file's, never a guess. Pinned hashes (`sha256Source: 'pinned'`) come from two places: the
 * built-in model's is computed from the bytes our own generator writes, and a real build's is the
 * Hugging Face Git LFS oid of that exact file, as its page in bartowski's repository shows it
 * ("Git LFS Details • SHA256"), at the revision recorded with it (published-hashes.ts, which also
 * says why the revision matters). Such an entry's URL downloads that revision, and
 * `sha256From` names the page. A file carrying a pinned build's name but another hash is not
 * that build: `models add` records it as an unlisted model and says so.
 *
 * Builds whose own page could not be found keep `sha256Source: 'on-add'`: `cocoon models add`
 * hashes the operator's file and the index record carries it; `cocoon models list` shows it from
 * then on ("on add" before), and `--model <catalog id>` resolves to that file only through its
 * index record (`ModelNotInstalledError` before it is added). To pin one, take the LFS oid from
 * the file's page (or `sha256sum` the download) and add it to published-hashes.ts.
 *
 * `sizeBytes` is the download size of the named build: exact where `sizeIsApproximate` is false
 * (the byte count published with that same hash), otherwise the size shown on the model page,
 * rounded. Size feeds only the memory estimate and the listing, never the file's identity. Memory
 * needs are computed from the architecture (weights + f16 KV cache + a compute-buffer allowance).
 */
import { CATALOG_COMPUTE_OVERHEAD_BYTES, CATALOG_MIN_COMPUTE_BYTES, DEFAULT_CONTEXT_PER_SLOT } from '../constants.js'
import { BUILTIN_MODEL_ID, BUILTIN_MODEL_NAME, BUILTIN_MODEL_FILE, TINY_MODEL_SPEC } from '../builtin/tiny-model.js'
import { BUILTIN_MODEL_SHA256 } from '../builtin/ensure.js'
import { PUBLISHED_HASHES } from './published-hashes.js'

export interface CatalogEntry {
  id: string
  name: string
  /** File name of the GGUF build, as published. */
  fileName: string
  /** Where to download it. Empty for the built-in model, which is generated. */
  url: string
  /** Lowercase hex; set only when `sha256Source` is 'pinned'. */
  sha256?: string
  /**
   * 'pinned': `sha256` above is the file's identity (the built-in model's bytes, or the published
   * file's LFS oid). 'on-add': no hash is known in advance; `cocoon models add` records the hash of
   * the operator's file in the index.
   */
  sha256Source: 'pinned' | 'on-add'
  /** The page the pinned hash was read from; absent for the built-in model and 'on-add' builds. */
  sha256From?: string
  sizeBytes: number
  sizeIsApproximate: boolean
  quantization: string
  /** Trained context length in tokens. */
  contextLength: number
  license: string
  /** Transformer shape, for the KV-cache part of the memory estimate. */
  layers: number
  kvHeads: number
  headDim: number
}

/** Bytes needed to run `entry` with `slots` sequences of `contextPerSlot` tokens each. */
export function estimateMemoryBytes (entry: CatalogEntry, slots = 1, contextPerSlot = DEFAULT_CONTEXT_PER_SLOT): number {
  const tokens = slots * Math.min(contextPerSlot, entry.contextLength)
  const kvBytesPerToken = 2 /* K and V */ * entry.layers * entry.kvHeads * entry.headDim * 2 /* f16 */
  return entry.sizeBytes + tokens * kvBytesPerToken + computeAllowanceBytes(entry.sizeBytes)
}

/** Compute buffers scale with the model: its own size, between CATALOG_MIN_COMPUTE_BYTES and CATALOG_COMPUTE_OVERHEAD_BYTES. */
export function computeAllowanceBytes (modelBytes: number): number {
  return Math.min(CATALOG_COMPUTE_OVERHEAD_BYTES, Math.max(CATALOG_MIN_COMPUTE_BYTES, modelBytes))
}

const HF = 'https://huggingface.co'
const GB = 1e9

/** A file in bartowski's repository: `resolve` downloads it, `blob` is its page (with the LFS details). */
function bartowski (kind: 'resolve' | 'blob', repo: string, revision: string, file: string): string {
  return `${HF}/bartowski/${repo}/${kind}/${revision}/${file}`
}

interface Build {
  quant: string
  bytes: number
  /** `bytes` is the exact byte count of the file the catalog points at. */
  exact: boolean
}

interface Family {
  idPrefix: string
  name: string
  repo: string
  filePrefix: string
  contextLength: number
  license: string
  layers: number
  kvHeads: number
  headDim: number
  builds: Build[]
}

const q4km = (bytes: number, exact = false): Build => ({ quant: 'Q4_K_M', bytes, exact })
const q80 = (bytes: number): Build => ({ quant: 'Q8_0', bytes, exact: false })

// Exact sizes only where the byte count was published with the pinned hash. Other catalogs list
// 986,048,768 bytes for Qwen2.5 1.5B Q4_K_M, but with another hash (another upload), so not here.
const FAMILIES: Family[] = [
  { idPrefix: 'qwen2.5-0.5b-instruct', name: 'Qwen2.5 0.5B Instruct', repo: 'Qwen2.5-0.5B-Instruct-GGUF', filePrefix: 'Qwen2.5-0.5B-Instruct', contextLength: 32768, license: 'Apache-2.0', layers: 24, kvHeads: 2, headDim: 64, builds: [q4km(397_808_192, true), q80(0.531 * GB)] },
  { idPrefix: 'qwen2.5-1.5b-instruct', name: 'Qwen2.5 1.5B Instruct', repo: 'Qwen2.5-1.5B-Instruct-GGUF', filePrefix: 'Qwen2.5-1.5B-Instruct', contextLength: 32768, license: 'Apache-2.0', layers: 28, kvHeads: 2, headDim: 128, builds: [q4km(0.986 * GB), q80(1.65 * GB)] },
  { idPrefix: 'qwen2.5-7b-instruct', name: 'Qwen2.5 7B Instruct', repo: 'Qwen2.5-7B-Instruct-GGUF', filePrefix: 'Qwen2.5-7B-Instruct', contextLength: 32768, license: 'Apache-2.0', layers: 28, kvHeads: 4, headDim: 128, builds: [q4km(4.68 * GB), q80(8.10 * GB)] },
  { idPrefix: 'deepseek-r1-distill-qwen-1.5b', name: 'DeepSeek-R1-Distill-Qwen 1.5B', repo: 'DeepSeek-R1-Distill-Qwen-1.5B-GGUF', filePrefix: 'DeepSeek-R1-Distill-Qwen-1.5B', contextLength: 131072, license: 'MIT', layers: 28, kvHeads: 2, headDim: 128, builds: [q4km(1.12 * GB), q80(1.89 * GB)] },
  { idPrefix: 'deepseek-r1-distill-qwen-7b', name: 'DeepSeek-R1-Distill-Qwen 7B', repo: 'DeepSeek-R1-Distill-Qwen-7B-GGUF', filePrefix: 'DeepSeek-R1-Distill-Qwen-7B', contextLength: 131072, license: 'MIT', layers: 28, kvHeads: 4, headDim: 128, builds: [q4km(4.68 * GB), q80(8.10 * GB)] },
  { idPrefix: 'llama-3.2-1b-instruct', name: 'Llama 3.2 1B Instruct', repo: 'Llama-3.2-1B-Instruct-GGUF', filePrefix: 'Llama-3.2-1B-Instruct', contextLength: 131072, license: 'Llama 3.2 Community License', layers: 16, kvHeads: 8, headDim: 64, builds: [q4km(807_694_464, true), q80(1.32 * GB)] },
  { idPrefix: 'llama-3.2-3b-instruct', name: 'Llama 3.2 3B Instruct', repo: 'Llama-3.2-3B-Instruct-GGUF', filePrefix: 'Llama-3.2-3B-Instruct', contextLength: 131072, license: 'Llama 3.2 Community License', layers: 28, kvHeads: 8, headDim: 128, builds: [q4km(2.02 * GB), q80(3.42 * GB)] }
]

function familyEntry (f: Family, b: Build): CatalogEntry {
  const id = `${f.idPrefix}-${b.quant.toLowerCase()}`
  const fileName = `${f.filePrefix}-${b.quant}.gguf`
  const pin = PUBLISHED_HASHES[id]
  return {
    id,
    name: `${f.name} ${b.quant}`,
    fileName,
    // A pinned build downloads the revision its hash was read at; the others follow `main`.
    url: bartowski('resolve', f.repo, pin?.revision ?? 'main', fileName),
    ...(pin != null
      ? { sha256: pin.sha256, sha256Source: 'pinned' as const, sha256From: bartowski('blob', f.repo, pin.revision, fileName) }
      : { sha256Source: 'on-add' as const }),
    sizeBytes: Math.round(b.bytes),
    sizeIsApproximate: !b.exact,
    quantization: b.quant,
    contextLength: f.contextLength,
    license: f.license,
    layers: f.layers,
    kvHeads: f.kvHeads,
    headDim: f.headDim
  }
}

export const BUILTIN_CATALOG_ENTRY: CatalogEntry = {
  id: BUILTIN_MODEL_ID,
  name: BUILTIN_MODEL_NAME,
  fileName: BUILTIN_MODEL_FILE,
  url: '',
  sha256: BUILTIN_MODEL_SHA256,
  sha256Source: 'pinned',
  sizeBytes: 3_061_120,
  sizeIsApproximate: false,
  quantization: 'F32',
  contextLength: TINY_MODEL_SPEC.contextLength,
  license: 'Apache-2.0',
  layers: TINY_MODEL_SPEC.layers,
  kvHeads: TINY_MODEL_SPEC.kvHeads,
  headDim: TINY_MODEL_SPEC.embedding / TINY_MODEL_SPEC.heads
}

export const CATALOG: readonly CatalogEntry[] = Object.freeze([
  BUILTIN_CATALOG_ENTRY,
  ...FAMILIES.flatMap(f => f.builds.map(b => familyEntry(f, b)))
])

/** Finds a catalog entry by id or pinned sha256. */
export function findCatalogEntry (idOrSha256: string): CatalogEntry | undefined {
  const key = idOrSha256.toLowerCase()
  return CATALOG.find(e => e.id === key || (e.sha256 != null && e.sha256 === key))
}

/**
 * Finds the catalog entry a file belongs to: by pinned sha256 first, then by published file name,
 * but only among entries that pin no hash (a pinned build is its hash, whatever the file is called).
 */
export function matchCatalogEntry (sha256: string, fileName: string): CatalogEntry | undefined {
  return CATALOG.find(e => e.sha256 === sha256) ??
    CATALOG.find(e => e.sha256 == null && sameFileName(e, fileName))
}

/**
 * The pinned entry whose published file name `fileName` carries while `sha256` is another hash:
 * another upload under that name, or another file renamed. Such a file is not that build.
 */
export function pinnedEntryWithOtherHash (sha256: string, fileName: string): CatalogEntry | undefined {
  return CATALOG.find(e => e.sha256 != null && e.sha256 !== sha256 && sameFileName(e, fileName))
}

function sameFileName (e: CatalogEntry, fileName: string): boolean {
  return e.fileName.toLowerCase() === fileName.toLowerCase()
}
