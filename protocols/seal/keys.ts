import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto'
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

// X25519 runs in Node's native crypto (OpenSSL): ~0.06 ms per operation where pure JS took ~2.8 ms, and a job
// needs three of them before its first token. Raw 32-byte keys travel in fixed DER wrappers (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex')

function privateKeyObject (raw: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' })
}

function publicKeyObject (raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' })
}

function rawPublic (key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.byteLength))
}

export function generateSealKeyPair (): SealKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519')
  const der = privateKey.export({ format: 'der', type: 'pkcs8' })
  return { publicKey: rawPublic(publicKey), privateKey: new Uint8Array(der.subarray(PKCS8_PREFIX.byteLength)) }
}

export function sealPublicKeyOf (privateKey: Uint8Array): Uint8Array {
  checkKey(privateKey, 'seal private key')
  return rawPublic(createPublicKey(privateKeyObject(privateKey)))
}

export function checkKey (key: unknown, what: string): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array) || key.byteLength !== SEAL_KEY_BYTES) {
    throw badSealInput(`${what} must be ${SEAL_KEY_BYTES} bytes`, { what, bytes: (key as Uint8Array | undefined)?.byteLength })
  }
}

/**
 * X25519 agreement. Low-order public keys force an all-zero shared secret, which would let anyone who picks
 * such a key predict the session keys: OpenSSL refuses to derive one, and we check again; that is `BAD_KEY`.
 */
export function agree (privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  try {
    const shared = new Uint8Array(diffieHellman({ privateKey: privateKeyObject(privateKey), publicKey: publicKeyObject(publicKey) }))
    if (shared.every(b => b === 0)) throw new Error('all-zero shared secret')
    return shared
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
