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

/**
 * Importing a raw key into OpenSSL costs more than the agreement itself (~0.1 ms each on a small VM), and the
 * same keys come back job after job: a worker's own seal key, and on a client the seal keys of the few workers
 * it uses. Both are kept as KeyObjects. Worker seal keys are public; the private seal key is cached against the
 * caller's own buffer (a WeakMap, so it goes when the buffer does) and its bytes are checked on every hit.
 */
const WORKER_KEY_CACHE_SIZE = 256
const publicKeys = new Map<string, KeyObject>()
const privateKeys = new WeakMap<Uint8Array, { bytes: Uint8Array, key: KeyObject, publicRaw: Uint8Array }>()

function cachedPublicKeyObject (raw: Uint8Array): KeyObject {
  const id = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex')
  let key = publicKeys.get(id)
  if (key == null) {
    key = publicKeyObject(raw)
    if (publicKeys.size >= WORKER_KEY_CACHE_SIZE) publicKeys.delete(publicKeys.keys().next().value as string)
    publicKeys.set(id, key)
  }
  return key
}

function cachedPrivateKey (raw: Uint8Array): { key: KeyObject, publicRaw: Uint8Array } {
  const hit = privateKeys.get(raw)
  if (hit != null && Buffer.compare(hit.bytes, raw) === 0) return hit
  const key = privateKeyObject(raw)
  const entry = { bytes: Uint8Array.from(raw), key, publicRaw: rawPublic(createPublicKey(key)) }
  privateKeys.set(raw, entry)
  return entry
}

/** A one-job key pair kept as an OpenSSL key: never exported, never imported again. */
export interface EphemeralKey {
  privateKey: KeyObject
  publicKey: Uint8Array
}

export function generateEphemeralKey (): EphemeralKey {
  const { privateKey, publicKey } = generateKeyPairSync('x25519')
  return { privateKey, publicKey: rawPublic(publicKey) }
}

/** The ephemeral key for known-answer tests, from raw bytes. */
export function ephemeralKeyFromRaw (raw: Uint8Array): EphemeralKey {
  const privateKey = privateKeyObject(raw)
  return { privateKey, publicKey: rawPublic(createPublicKey(privateKey)) }
}

export function generateSealKeyPair (): SealKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519')
  const der = privateKey.export({ format: 'der', type: 'pkcs8' })
  return { publicKey: rawPublic(publicKey), privateKey: new Uint8Array(der.subarray(PKCS8_PREFIX.byteLength)) }
}

export function sealPublicKeyOf (privateKey: Uint8Array): Uint8Array {
  checkKey(privateKey, 'seal private key')
  return Uint8Array.from(cachedPrivateKey(privateKey).publicRaw)
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
export function agree (privateKey: Uint8Array | KeyObject, publicKey: Uint8Array, opts: { reusedPublicKey?: boolean } = {}): Uint8Array {
  try {
    const own = privateKey instanceof Uint8Array ? cachedPrivateKey(privateKey).key : privateKey
    // Only a key that comes back (a worker's seal key) is worth keeping; an ephemeral key is seen once.
    const peer = opts.reusedPublicKey === true ? cachedPublicKeyObject(publicKey) : publicKeyObject(publicKey)
    const shared = new Uint8Array(diffieHellman({ privateKey: own, publicKey: peer }))
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

/** Session keys derived ahead for one job id and attempt (SealPreparer on the client, OpeningPreparer on the worker). */
export interface PreparedKeys {
  jobId: Uint8Array
  attempt: number
  keys: SessionKeys
}

/** The keys derived ahead when they are for this job id and attempt, else derived now. */
export function sessionKeysFor (input: Parameters<typeof deriveSessionKeys>[0], prepared?: PreparedKeys): SessionKeys {
  if (prepared != null && prepared.attempt === input.attempt && Buffer.compare(prepared.jobId, input.jobId) === 0) return prepared.keys
  return deriveSessionKeys(input)
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
