/**
 * A minimal GGUF v3 writer: header, typed metadata key/values, tensor infos and aligned tensor
 * data, laid out as llama.cpp's gguf.cpp reads it. Only what the built-in model needs: F32
 * tensors and the scalar/string/array value types. Output is a pure function of the input, so
 * the same model description always gives the same bytes (and the same sha256).
 */

export const GGUF_MAGIC = 0x46554747 // "GGUF" read as a little-endian u32
export const GGUF_VERSION = 3
export const GGUF_DEFAULT_ALIGNMENT = 32

/** GGUF metadata value types (gguf.h `enum gguf_type`). */
export enum GgufValueType {
  UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6,
  BOOL = 7, STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12
}

/** ggml tensor types we write. */
export enum GgmlTensorType { F32 = 0 }

export type GgufValue =
  | { type: GgufValueType.UINT32 | GgufValueType.INT32 | GgufValueType.FLOAT32, value: number }
  | { type: GgufValueType.BOOL, value: boolean }
  | { type: GgufValueType.STRING, value: string }
  | { type: GgufValueType.ARRAY, itemType: GgufValueType.STRING, value: readonly string[] }
  | { type: GgufValueType.ARRAY, itemType: GgufValueType.FLOAT32 | GgufValueType.INT32, value: readonly number[] }

export interface GgufTensor {
  name: string
  /** ggml order: dims[0] is the fastest-varying (row length). */
  dims: readonly number[]
  data: Float32Array
}

export interface GgufDocument {
  metadata: ReadonlyArray<[string, GgufValue]>
  tensors: readonly GgufTensor[]
  alignment?: number
}

/** Little-endian byte sink that grows as needed. */
class ByteSink {
  private buf = new Uint8Array(1 << 16)
  private view = new DataView(this.buf.buffer)
  length = 0

  private reserve (n: number): void {
    if (this.length + n <= this.buf.length) return
    let size = this.buf.length
    while (size < this.length + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.length))
    this.buf = next
    this.view = new DataView(next.buffer)
  }

  u8 (v: number): void { this.reserve(1); this.view.setUint8(this.length, v); this.length += 1 }
  u32 (v: number): void { this.reserve(4); this.view.setUint32(this.length, v, true); this.length += 4 }
  i32 (v: number): void { this.reserve(4); this.view.setInt32(this.length, v, true); this.length += 4 }
  f32 (v: number): void { this.reserve(4); this.view.setFloat32(this.length, v, true); this.length += 4 }
  u64 (v: number): void { this.reserve(8); this.view.setBigUint64(this.length, BigInt(v), true); this.length += 8 }
  bytes (b: Uint8Array): void { this.reserve(b.length); this.buf.set(b, this.length); this.length += b.length }
  string (s: string): void { const b = new TextEncoder().encode(s); this.u64(b.length); this.bytes(b) }
  padTo (alignment: number): void { while (this.length % alignment !== 0) this.u8(0) }
  result (): Uint8Array { return this.buf.slice(0, this.length) }
}

function writeScalar (sink: ByteSink, type: GgufValueType, value: number | boolean | string): void {
  switch (type) {
    case GgufValueType.UINT32: sink.u32(value as number); break
    case GgufValueType.INT32: sink.i32(value as number); break
    case GgufValueType.FLOAT32: sink.f32(value as number); break
    case GgufValueType.BOOL: sink.u8(value === true ? 1 : 0); break
    case GgufValueType.STRING: sink.string(value as string); break
    default: throw new Error(`GGUF writer: unsupported value type ${type}`)
  }
}

function writeValue (sink: ByteSink, v: GgufValue): void {
  sink.u32(v.type)
  if (v.type === GgufValueType.ARRAY) {
    sink.u32(v.itemType)
    sink.u64(v.value.length)
    for (const item of v.value) writeScalar(sink, v.itemType, item)
    return
  }
  writeScalar(sink, v.type, v.value)
}

function elementCount (dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1)
}

/** Serialises a GGUF document to bytes. */
export function encodeGguf (doc: GgufDocument): Uint8Array {
  const alignment = doc.alignment ?? GGUF_DEFAULT_ALIGNMENT
  const sink = new ByteSink()
  sink.u32(GGUF_MAGIC)
  sink.u32(GGUF_VERSION)
  sink.u64(doc.tensors.length)
  sink.u64(doc.metadata.length)
  for (const [key, value] of doc.metadata) {
    sink.string(key)
    writeValue(sink, value)
  }
  let offset = 0
  for (const t of doc.tensors) {
    if (t.data.length !== elementCount(t.dims)) {
      throw new Error(`GGUF writer: tensor ${t.name} has ${t.data.length} values for dims ${t.dims.join('x')}`)
    }
    sink.string(t.name)
    sink.u32(t.dims.length)
    for (const d of t.dims) sink.u64(d)
    sink.u32(GgmlTensorType.F32)
    sink.u64(offset)
    offset += Math.ceil((t.data.length * 4) / alignment) * alignment
  }
  sink.padTo(alignment)
  for (const t of doc.tensors) {
    // Float32Array bytes are platform-endian; write through DataView so the file is little-endian everywhere.
    for (let i = 0; i < t.data.length; i++) sink.f32(t.data[i])
    sink.padTo(alignment)
  }
  return sink.result()
}
