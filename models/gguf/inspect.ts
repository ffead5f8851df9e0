/**
 * Checks that a file is a readable, complete GGUF before anything hands it to llama.cpp, and
 * turns every way it can be wrong into a typed error: not GGUF at all, damaged header or
 * metadata, or tensor data cut short. Metadata parsing is node-llama-cpp's `readGgufFileInfo`.
 */
import { open, stat } from 'node:fs/promises'
import { readGgufFileInfo, type GgufFileInfo } from 'node-llama-cpp'
import { CorruptGgufError, ModelFileNotFoundError, NotGgufError } from '../errors.js'
import { GGUF_MAGIC } from './writer.js'

export interface GgufSummary {
  path: string
  sizeBytes: number
  version: number
  architecture: string
  /** `general.name`, when the file has one. */
  name?: string
  license?: string
  /** Trained context length (`<arch>.context_length`). */
  contextLength?: number
  tensorCount: number
  hasChatTemplate: boolean
  /** The raw node-llama-cpp view, for memory estimates. */
  fileInfo: GgufFileInfo
}

// Bytes per block and elements per block of ggml tensor types (ggml.c `type_traits`), used to
// find where the last tensor ends. Types not listed are skipped by the truncation check.
const GGML_BLOCKS: Record<number, [elements: number, bytes: number]> = {
  0: [1, 4], 1: [1, 2], 2: [32, 18], 3: [32, 20], 6: [32, 22], 7: [32, 24], 8: [32, 34], 9: [32, 36],
  10: [256, 84], 11: [256, 110], 12: [256, 144], 13: [256, 176], 14: [256, 210], 15: [256, 292],
  16: [256, 66], 17: [256, 74], 18: [256, 98], 19: [256, 50], 20: [32, 18], 21: [256, 110], 22: [256, 82],
  23: [256, 136], 24: [1, 1], 25: [1, 2], 26: [1, 4], 27: [1, 8], 28: [1, 8], 29: [256, 56], 30: [1, 2],
  34: [256, 54], 35: [256, 66], 39: [32, 17]
}

/** Magic (4) + version (4) + tensor count (8) + metadata count (8): the fixed start of every GGUF v2/v3 file. */
const GGUF_FIXED_HEADER_BYTES = 24

async function readMagic (path: string): Promise<{ magic: number, read: number }> {
  const handle = await open(path, 'r')
  try {
    const buf = Buffer.alloc(8)
    const { bytesRead } = await handle.read(buf, 0, 8, 0)
    return { magic: bytesRead >= 4 ? buf.readUInt32LE(0) : -1, read: bytesRead }
  } finally {
    await handle.close()
  }
}

function tensorEnd (fileOffset: number | bigint, dims: ReadonlyArray<number | bigint>, type: number): bigint | undefined {
  const block = GGML_BLOCKS[type]
  if (block == null) return undefined
  const elements = dims.reduce<bigint>((a, d) => a * BigInt(d), 1n)
  return BigInt(fileOffset) + (elements / BigInt(block[0])) * BigInt(block[1])
}

function str (v: unknown): string | undefined { return typeof v === 'string' ? v : undefined }

/** Reads and validates a GGUF file's header, metadata and tensor table. Throws typed errors. */
export async function inspectGguf (path: string): Promise<GgufSummary> {
  let sizeBytes: number
  try {
    const s = await stat(path)
    if (!s.isFile()) throw new Error('not a regular file')
    sizeBytes = s.size
  } catch (err) {
    throw new ModelFileNotFoundError(path, { cause: err })
  }
  const { magic } = await readMagic(path)
  if (magic !== GGUF_MAGIC) throw new NotGgufError(path)

  let info: GgufFileInfo
  try {
    info = await readGgufFileInfo(path, { sourceType: 'filesystem', readTensorInfo: true, logWarnings: false })
  } catch (err) {
    throw new CorruptGgufError(path, `header or metadata unreadable (${(err as Error).message})`, { cause: err })
  }
  // A file cut inside its header, metadata or tensor table parses as zeros past its end: call it
  // what it is (truncated) before any field read from those zeros is judged.
  const infoEnd = Math.max(GGUF_FIXED_HEADER_BYTES, info.infoEndOffset ?? 0)
  if (infoEnd > sizeBytes) {
    throw new CorruptGgufError(path, `truncated: the header and metadata need ${infoEnd} bytes but the file has ${sizeBytes}`)
  }
  const md = info.metadata as unknown as { general?: Record<string, unknown>, tokenizer?: Record<string, unknown> }
  const architecture = str(md.general?.architecture)
  if (architecture == null) throw new CorruptGgufError(path, 'no general.architecture in the metadata')

  const tensors = info.fullTensorInfo ?? info.tensorInfo ?? []
  if (tensors.length === 0) throw new CorruptGgufError(path, 'the file lists no tensors')
  let end = 0n
  for (const t of tensors) {
    const e = tensorEnd(t.fileOffset, t.dimensions, t.ggmlType) ?? BigInt(t.fileOffset)
    if (e > end) end = e
  }
  if (end > BigInt(sizeBytes)) {
    throw new CorruptGgufError(path, `truncated: tensor data needs ${end} bytes but the file has ${sizeBytes}`)
  }

  const archMd = info.architectureMetadata as { context_length?: number }
  return {
    path,
    sizeBytes,
    version: info.version,
    architecture,
    name: str(md.general?.name),
    license: str(md.general?.license),
    contextLength: typeof archMd.context_length === 'number' ? archMd.context_length : undefined,
    tensorCount: tensors.length,
    hasChatTemplate: str(md.tokenizer?.chat_template) != null,
    fileInfo: info
  }
}
