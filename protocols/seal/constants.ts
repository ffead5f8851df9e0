/**
 * Fixed parameters of the seal format. Changing any of these changes the bytes on the wire, so
 * they are versioned through `SEAL_INFO_LABEL` rather than tuned at run time.
 */

/** X25519 public and private keys, and the shared secret, are 32 bytes. */
export const SEAL_KEY_BYTES = 32

/** ChaCha20-Poly1305 (RFC 8439) key size. */
export const AEAD_KEY_BYTES = 32

/** ChaCha20-Poly1305 nonce size: 4 zero bytes followed by the 64-bit big-endian sequence number. */
export const AEAD_NONCE_BYTES = 12

/** Poly1305 tag appended to every ciphertext. */
export const AEAD_TAG_BYTES = 16

/**
 * HKDF `info` prefix. The full info is this label || ephemeralKey || workerSealKey || attempt (u32 BE),
 * so keys are bound to this exact key exchange and failover attempt. Bump the version on any change.
 */
export const SEAL_INFO_LABEL = 'cocoon/seal/v1'

/** Job ids are opaque bytes chosen by the proxy; 16 random bytes is typical, 64 is plenty. */
export const MIN_JOB_ID_BYTES = 1
export const MAX_JOB_ID_BYTES = 64

/** Attempts are encoded as an unsigned 32-bit integer in the HKDF info and in every AAD. */
export const MAX_ATTEMPT = 0xffff_ffff

/**
 * Sequence numbers are JS numbers encoded as u64; stopping at 2^53 - 1 keeps them exact. A job
 * never gets near this (it would take 2^53 chunks), but the check makes nonce reuse impossible.
 */
export const MAX_SEQ = Number.MAX_SAFE_INTEGER
