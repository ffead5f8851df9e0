import { x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { AEAD_KEY_BYTES, SEAL_INFO_LABEL, SEAL_KEY_BYTES } from './constants.js'
import { badSealInput, integrityError } from './errors.js'
import { checkAttempt, checkJobId, u32be } from './encoding.js'

export interface SealKeyPair {
  /** X25519 public key, published in the worker's attested certificate. */
  publicKey: Uint8Array
  /** X25519 private key, never leaves the worker. */
  privateKey: Uint8Array
}

/**
 * The three directional keys of one job attempt. Separate keys mean a ciphertext from one
 * direction can never be replayed into another, even with equal sequence numbers.
 */
export interface SessionKeys {
  /** Client -> worker: the sealed job itself. */
  requestKey: Uint8Array
  /** Worker -> client: the stream of result chunks. */
  responseKey: Uint8Array
  /** Client -> worker after the job: receipts, cancel. */
  clientToWorkerKey: Uint8Array
}

const LABEL_BYTES = new TextEncoder().encode(SEAL_INFO_LABEL)

export function generateSealKeyPair (): SealKeyPair {
  const privateKey = x25519.utils.randomSecretKey()
  return { publicKey: x25519.getPublicKey(privateKey), privateKey }
}

export function sealPublicKeyOf (privateKey: Uint8Array): Uint8Array {
  checkKey(privateKey, 'seal private key')
  return x25519.getPublicKey(privateKey)
}

export function checkKey (key: unknown, what: string): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array) || key.byteLength !== SEAL_KEY_BYTES) {
    throw badSealInput(`${what} must be ${SEAL_KEY_BYTES} bytes`, { what, bytes: (key as Uint8Array | undefined)?.byteLength })
  }
}

/**
 * X25519 agreement. noble rejects low-order public keys (they force an all-zero shared secret,
 * which would let anyone who picks such a key predict the session keys): that is `BAD_KEY`.
 */
export function agree (privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  try {
    return x25519.getSharedSecret(privateKey, publicKey)
  } catch (err) {
    throw integrityError('BAD_KEY', 'X25519 key agreement failed: unusable public key', {}, err)
  }
}

/** HKDF `info`: label || ephemeralKey || workerSealKey || attempt (u32 BE). */
export function sealInfo (ephemeralKey: Uint8Array, workerSealKey: Uint8Array, attempt: number): Uint8Array {
  const info = new Uint8Array(LABEL_BYTES.byteLength + 2 * SEAL_KEY_BYTES + 4)
  info.set(LABEL_BYTES, 0)
  info.set(ephemeralKey, LABEL_BYTES.byteLength)
  info.set(workerSealKey, LABEL_BYTES.byteLength + SEAL_KEY_BYTES)
  info.set(u32be(attempt), LABEL_BYTES.byteLength + 2 * SEAL_KEY_BYTES)
  return info
}

/**
 * HKDF-SHA256(ikm = shared secret, salt = jobId, info = sealInfo(...)) expanded to 96 bytes and
 * split, in this order, into the request, response and client->worker keys.
 */
export function deriveSessionKeys (input: {
  sharedSecret: Uint8Array
  jobId: Uint8Array
  ephemeralKey: Uint8Array
  workerSealKey: Uint8Array
  attempt: number
}): SessionKeys {
  checkKey(input.sharedSecret, 'shared secret')
  checkKey(input.ephemeralKey, 'ephemeral key')
  checkKey(input.workerSealKey, 'worker seal key')
  checkJobId(input.jobId)
  checkAttempt(input.attempt)
  const okm = hkdf(sha256, input.sharedSecret, input.jobId, sealInfo(input.ephemeralKey, input.workerSealKey, input.attempt), 3 * AEAD_KEY_BYTES)
  return {
    requestKey: okm.slice(0, AEAD_KEY_BYTES),
    responseKey: okm.slice(AEAD_KEY_BYTES, 2 * AEAD_KEY_BYTES),
    clientToWorkerKey: okm.slice(2 * AEAD_KEY_BYTES)
  }
}
