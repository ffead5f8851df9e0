import { ChaCha20Poly1305, chacha20StreamXOR, newInstance, Poly1305 } from '@chainsafe/as-chacha20poly1305'
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { equalBytes } from '@noble/ciphers/utils.js'
import { AEAD_TAG_BYTES } from './constants.js'

/** Longest AAD the WebAssembly cipher takes (its buffer for it is one key long). */
const WASM_MAX_AAD_BYTES = 32

/** Compiled on first use, once per thread: a light client that never seals pays nothing. */
let wasm: ChaCha20Poly1305 | undefined
let poly: Poly1305 | undefined

/**
 * ChaCha20-Poly1305 (RFC 8439) encryption, the same bytes whichever implementation runs. Sealing uses the
 * WebAssembly build libp2p's Noise already runs on every connection (`@chainsafe/as-chacha20poly1305`): for a job
 * or a chunk of a few hundred bytes it took 4-7 us against noble's 21-25 us warm, and 0.02-0.1 ms against
 * 0.06-0.28 ms with the caches cold, as a job's first seal is. In the network bench that was 0.1-0.2 ms less
 * before the client's first write and 0.03-0.05 ms less for the worker's first chunk (traced). It takes at most 32
 * bytes of AAD: the job protocol's are 20 (job) and 29 (chunk) with its 16-byte job ids; the seal format allows
 * longer ids, whose AADs go to noble. Opening is `aeadOpen`.
 */
export function aeadSeal (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  if (aad.byteLength > WASM_MAX_AAD_BYTES) return chacha20poly1305(key, nonce, aad).encrypt(plaintext)
  wasm ??= new ChaCha20Poly1305(newInstance())
  return wasm.seal(key, nonce, plaintext, aad)
}

/**
 * ChaCha20-Poly1305 (RFC 8439) decryption: the plaintext, or an Error when the tag does not verify. Built from the
 * same WebAssembly module's ChaCha20 and Poly1305 (section 2.8: the one-time Poly1305 key from block 0, the MAC over
 * AAD and ciphertext with their padding and lengths, the text decrypted from block 1) because its own `open`
 * compares tags with an early exit; here the comparison is constant-time (noble's `equalBytes`), and nothing is
 * decrypted until the tag has verified. Opens sit on the way to the first token (the job, the first chunk) and at
 * the answer's end (the final chunk): for 60-600 bytes, 0.12-0.18 ms with noble against 0.08-0.10 ms here after a
 * 20-100 ms pause, and 0.10 against 0.02-0.05 ms warm. Any AAD length.
 */
export function aeadOpen (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array {
  if (key.byteLength !== 32) throw new Error(`ChaCha20-Poly1305 key must be 32 bytes, got ${key.byteLength}`)
  if (nonce.byteLength !== 12) throw new Error(`ChaCha20-Poly1305 nonce must be 12 bytes, got ${nonce.byteLength}`)
  if (sealed.byteLength < AEAD_TAG_BYTES) throw new Error('sealed data is shorter than its tag')
  const ciphertext = sealed.subarray(0, sealed.byteLength - AEAD_TAG_BYTES)
  const tag = sealed.subarray(sealed.byteLength - AEAD_TAG_BYTES)
  const counter = new Uint8Array(16) // ChaCha20's block counter (4 bytes, little-endian), then the nonce
  counter.set(nonce, 4)
  const polyKey = chacha20StreamXOR(key, counter, ZEROS_32)
  poly ??= new Poly1305(newInstance())
  poly.init(polyKey)
  polyKey.fill(0)
  poly.update(macInput(aad, ciphertext))
  if (!equalBytes(poly.digest(), tag)) throw new Error('invalid tag')
  counter[0] = 1
  return chacha20StreamXOR(key, counter, ciphertext)
}

const ZEROS_32 = new Uint8Array(32)

/** What Poly1305 authenticates: AAD and ciphertext, each zero-padded to 16 bytes, then both lengths (64-bit LE). */
function macInput (aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const aadEnd = aad.byteLength + (16 - aad.byteLength % 16) % 16
  const textEnd = aadEnd + ciphertext.byteLength + (16 - ciphertext.byteLength % 16) % 16
  const input = new Uint8Array(textEnd + 16)
  input.set(aad, 0)
  input.set(ciphertext, aadEnd)
  const view = new DataView(input.buffer)
  // lengths up to 2^53: a frame is far smaller
  view.setUint32(textEnd, aad.byteLength, true)
  view.setUint32(textEnd + 4, Math.floor(aad.byteLength / 2 ** 32), true)
  view.setUint32(textEnd + 8, ciphertext.byteLength, true)
  view.setUint32(textEnd + 12, Math.floor(ciphertext.byteLength / 2 ** 32), true)
  return input
}
