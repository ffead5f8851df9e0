/**
 * Models operators are likely to serve, plus the built-in one. Real GGUFs are not shipped; an
 * operator downloads the file named here and runs `cocoon models add PATH`, which hashes it and
 * links it to the entry (by sha256 when the entry pins one, else by file name).
 *
 * Why most entries pin no sha256 (a deliberate decision, not a gap to fill with guesses): a model's
 * network identity is the sha256 of its file, and a pinned hash would make `models add` trust or
 * refuse a file on our word. The files could not be downloaded where this catalog was written, so
 * their hashes could not be taken, and a hash copied from memory or invented would refuse a good
 * file or vouch for a bad one. So only the built-in model, whose bytes our own generator produces,
 * pins one (`sha256Source: 'pinned'`). For every other build the hash is recorded when the operator
 * adds the file (`sha256Source: 'on-add'`): `cocoon models add` hashes it, the index record carries
 * it, `cocoon models list` shows it from then on (and "on add" before), and `--model <catalog id>`
 * resolves to that file only through its index record (`ModelNotInstalledError` before it is added).
 * To pin a build, hash the published file (`sha256sum`, or its Hugging Face LFS oid) and set `sha256`.
 *
 * `sizeBytes` is the download size of the named build: exact where `sizeIsApproximate` is false (the
 * published byte count of bartowski's file; another project's catalog lists the same figures), otherwise the
 * size shown on the model page, rounded. Size feeds only the memory estimate and the listing, never
 * the file's identity. Memory needs are computed from the architecture (weights + f16 KV cache +
 * a compute-buffer allowance), not guessed.
 */
import { CATALOG_COMPUTE_OVERHEAD_BYTES, CATALOG_MIN_COMPUTE_BYTES, DEFAULT_CONTEXT_PER_SLOT } from '../constants.js'
import { BUILTIN_MODEL_ID, BUILTIN_MODEL_NAME, BUILTIN_MODEL_FILE, TINY_MODEL_SPEC } from '../builtin/tiny-model.js'
import { BUILTIN_MODEL_SHA256 } from '../builtin/ensure.js'

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
   * 'pinned': `sha256` above is the file's identity (the built-in model). 'on-add': no hash is
   * known in advance; `cocoon models add` records the hash of the operator's file in the index.
   */
  sha256Source: 'pinned' | 'on-add'
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

function bartowski (repo: string, file: string): string {
  return `${HF}/bartowski/${repo}/resolve/main/${file}`
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
  /** [quantization, bytes, exact?] */
  builds: Array<[string, number, boolean]>
}

const FAMILIES: Family[] = [
  { idPrefix: 'qwen2.5-0.5b-instruct', name: 'Qwen2.5 0.5B Instruct', repo: 'Qwen2.5-0.5B-Instruct-GGUF', filePrefix: 'Qwen2.5-0.5B-Instruct', contextLength: 32768, license: 'Apache-2.0', layers: 24, kvHeads: 2, headDim: 64, builds: [['Q4_K_M', 397_808_192, true], ['Q8_0', 0.531 * GB, false]] },
  { idPrefix: 'qwen2.5-1.5b-instruct', name: 'Qwen2.5 1.5B Instruct', repo: 'Qwen2.5-1.5B-Instruct-GGUF', filePrefix: 'Qwen2.5-1.5B-Instruct', contextLength: 32768, license: 'Apache-2.0', layers: 28, kvHeads: 2, headDim: 128, builds: [['Q4_K_M', 986_048_768, true], ['Q8_0', 1.65 * GB, false]] },
  { idPrefix: 'qwen2.5-7b-instruct', name: 'Qwen2.5 7B Instruct', repo: 'Qwen2.5-7B-Instruct-GGUF', filePrefix: 'Qwen2.5-7B-Instruct', contextLength: 32768, license: 'Apache-2.0', layers: 28, kvHeads: 4, headDim: 128, builds: [['Q4_K_M', 4.68 * GB, false], ['Q8_0', 8.10 * GB, false]] },
  { idPrefix: 'deepseek-r1-distill-qwen-1.5b', name: 'DeepSeek-R1-Distill-Qwen 1.5B', repo: 'DeepSeek-R1-Distill-Qwen-1.5B-GGUF', filePrefix: 'DeepSeek-R1-Distill-Qwen-1.5B', contextLength: 131072, license: 'MIT', layers: 28, kvHeads: 2, headDim: 128, builds: [['Q4_K_M', 1.12 * GB, false], ['Q8_0', 1.89 * GB, false]] },
  { idPrefix: 'deepseek-r1-distill-qwen-7b', name: 'DeepSeek-R1-Distill-Qwen 7B', repo: 'DeepSeek-R1-Distill-Qwen-7B-GGUF', filePrefix: 'DeepSeek-R1-Distill-Qwen-7B', contextLength: 131072, license: 'MIT', layers: 28, kvHeads: 4, headDim: 128, builds: [['Q4_K_M', 4.68 * GB, false], ['Q8_0', 8.10 * GB, false]] },
  { idPrefix: 'llama-3.2-1b-instruct', name: 'Llama 3.2 1B Instruct', repo: 'Llama-3.2-1B-Instruct-GGUF', filePrefix: 'Llama-3.2-1B-Instruct', contextLength: 131072, license: 'Llama 3.2 Community License', layers: 16, kvHeads: 8, headDim: 64, builds: [['Q4_K_M', 807_694_464, true], ['Q8_0', 1.32 * GB, false]] },
  { idPrefix: 'llama-3.2-3b-instruct', name: 'Llama 3.2 3B Instruct', repo: 'Llama-3.2-3B-Instruct-GGUF', filePrefix: 'Llama-3.2-3B-Instruct', contextLength: 131072, license: 'Llama 3.2 Community License', layers: 28, kvHeads: 8, headDim: 128, builds: [['Q4_K_M', 2.02 * GB, false], ['Q8_0', 3.42 * GB, false]] }
]

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
  ...FAMILIES.flatMap(f => f.builds.map(([quant, bytes, exact]): CatalogEntry => ({
    id: `${f.idPrefix}-${quant.toLowerCase()}`,
    name: `${f.name} ${quant}`,
    fileName: `${f.filePrefix}-${quant}.gguf`,
    url: bartowski(f.repo, `${f.filePrefix}-${quant}.gguf`),
    sha256Source: 'on-add',
    sizeBytes: Math.round(bytes),
    sizeIsApproximate: !exact,
    quantization: quant,
    contextLength: f.contextLength,
    license: f.license,
    layers: f.layers,
    kvHeads: f.kvHeads,
    headDim: f.headDim
  })))
])

/** Finds a catalog entry by id or pinned sha256. */
export function findCatalogEntry (idOrSha256: string): CatalogEntry | undefined {
  const key = idOrSha256.toLowerCase()
  return CATALOG.find(e => e.id === key || (e.sha256 != null && e.sha256 === key))
}

/** Finds the catalog entry a file belongs to: pinned sha256 first, then the published file name. */
export function matchCatalogEntry (sha256: string, fileName: string): CatalogEntry | undefined {
  return CATALOG.find(e => e.sha256 === sha256) ??
    CATALOG.find(e => e.sha256 == null && e.fileName.toLowerCase() === fileName.toLowerCase())
}
