import { AEAD_NONCE_BYTES, MAX_ATTEMPT, MAX_JOB_ID_BYTES, MAX_SEQ, MIN_JOB_ID_BYTES } from './constants.js'
import { badSealInput } from './errors.js'

/** Byte layouts shared by both ends: nonces, AADs and the input checks they rely on. */

export function checkJobId (jobId: unknown): asserts jobId is Uint8Array {
  if (!(jobId instanceof Uint8Array) || jobId.byteLength < MIN_JOB_ID_BYTES || jobId.byteLength > MAX_JOB_ID_BYTES) {
    throw badSealInput(`jobId must be ${MIN_JOB_ID_BYTES}..${MAX_JOB_ID_BYTES} bytes`)
  }
}

export function checkAttempt (attempt: unknown): asserts attempt is number {
  if (!Number.isInteger(attempt) || (attempt as number) < 0 || (attempt as number) > MAX_ATTEMPT) {
    throw badSealInput(`attempt must be an integer in 0..${MAX_ATTEMPT}`, { attempt })
  }
}

export function checkSeq (seq: unknown): asserts seq is number {
  if (!Number.isInteger(seq) || (seq as number) < 0 || (seq as number) > MAX_SEQ) {
    throw badSealInput(`seq must be an integer in 0..${MAX_SEQ}`, { seq })
  }
}

export function u32be (value: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, value)
  return out
}

function writeU64 (view: DataView, offset: number, value: number): void {
  // two u32 halves: exact for every safe integer, and cheaper than BigInt on the per-chunk path
  view.setUint32(offset, Math.floor(value / 0x1_0000_0000))
  view.setUint32(offset + 4, value >>> 0)
}

/** Nonce = 4 zero bytes || seq (u64 BE). Unique per key because every key has its own counter. */
export function nonceFor (seq: number): Uint8Array {
  const nonce = new Uint8Array(AEAD_NONCE_BYTES)
  writeU64(new DataView(nonce.buffer), 4, seq)
  return nonce
}

/** The job ciphertext's AAD: jobId || attempt (u32 BE). */
export function jobAad (jobId: Uint8Array, attempt: number): Uint8Array {
  const aad = new Uint8Array(jobId.byteLength + 4)
  aad.set(jobId, 0)
  new DataView(aad.buffer).setUint32(jobId.byteLength, attempt)
  return aad
}

/**
 * A chunk's AAD: jobId || attempt (u32 BE) || seq (u64 BE) || final (1 byte, 0 or 1). Binding the
 * final flag means a relay cannot mark a middle chunk final (early truncation) or strip the flag.
 * Client->worker messages use the same layout with final = 0.
 */
export function chunkAad (jobId: Uint8Array, attempt: number, seq: number, final: boolean): Uint8Array {
  const aad = new Uint8Array(jobId.byteLength + 4 + 8 + 1)
  const view = new DataView(aad.buffer)
  aad.set(jobId, 0)
  view.setUint32(jobId.byteLength, attempt)
  writeU64(view, jobId.byteLength + 4, seq)
  aad[jobId.byteLength + 12] = final ? 1 : 0
  return aad
}

/** A real copy: `Buffer#slice` returns a view, so `.slice()` on a caller's Buffer would alias it. */
export function copyBytes (bytes: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes)
}
