import { ChaCha20Poly1305, newInstance } from '@chainsafe/as-chacha20poly1305'
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'

/** Longest AAD the WebAssembly cipher takes (its buffer for it is one key long). */
const WASM_MAX_AAD_BYTES = 32

/** Compiled on first use, once per thread: a light client that never seals pays nothing. */
let wasm: ChaCha20Poly1305 | undefined

/**
 * ChaCha20-Poly1305 (RFC 8439) encryption, the same bytes whichever implementation runs. Sealing uses the
 * WebAssembly build libp2p's Noise already runs on every connection (`@chainsafe/as-chacha20poly1305`): for a job
 * or a chunk of a few hundred bytes it took 4-7 us against noble's 21-25 us warm, and 0.02-0.1 ms against
 * 0.06-0.28 ms with the caches cold, as a job's first seal is. In the network bench that was 0.1-0.2 ms less
 * before the client's first write and 0.03-0.05 ms less for the worker's first chunk (traced). It takes at most 32
 * bytes of AAD: the job protocol's are 20 (job) and 29 (chunk) with its 16-byte job ids; the seal format allows
 * longer ids, whose AADs go to noble. Opening stays with noble, whose tag check is constant-time; the WebAssembly
 * build compares tags with an early exit.
 */
export function aeadSeal (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  if (aad.byteLength > WASM_MAX_AAD_BYTES) return chacha20poly1305(key, nonce, aad).encrypt(plaintext)
  wasm ??= new ChaCha20Poly1305(newInstance())
  return wasm.seal(key, nonce, plaintext, aad)
}
