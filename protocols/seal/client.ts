import { aeadSeal } from './aead.js'
import { equalBytes } from '@noble/ciphers/utils.js'
import { ChannelReceiver, ChannelSender } from './channel.js'
import { checkAttempt, checkJobId, copyBytes, jobAad, nonceFor } from './encoding.js'
import { badSealInput } from './errors.js'
import { agree, checkKey, ephemeralKeyFromRaw, generateEphemeralKey, sessionKeysFor, type EphemeralKey, type PreparedKeys } from './keys.js'
import type { SealedChunk } from './channel.js'

/** What the client sends (through the proxy) to the worker: `SealedJob{jobId, ephemeralKey, ciphertext}` minus the jobId. */
export interface SealedJob {
  /** The client's fresh X25519 public key for this attempt. */
  ephemeralKey: Uint8Array
  /** ChaCha20-Poly1305(requestKey, nonce(0), AAD = jobId || attempt) of the job payload. */
  ciphertext: Uint8Array
}

export interface SealJobInput {
  /** The X25519 seal key from the worker's verified attestation certificate. */
  workerSealKey: Uint8Array
  jobId: Uint8Array
  /** 0 for the first worker, +1 for each failover; every attempt gets fresh keys. */
  attempt: number
  plaintext: Uint8Array
}

/**
 * The client's end of one job attempt: opens the worker's result chunks in order and seals
 * later messages (receipts, cancel) to the worker.
 */
export class ClientSession {
  readonly jobId: Uint8Array
  readonly attempt: number
  readonly #fromWorker: ChannelReceiver
  readonly #toWorker: ChannelSender

  constructor (keys: { responseKey: Uint8Array, clientToWorkerKey: Uint8Array }, jobId: Uint8Array, attempt: number) {
    this.jobId = jobId
    this.attempt = attempt
    this.#fromWorker = new ChannelReceiver({ key: keys.responseKey, jobId, attempt, direction: 'response' })
    this.#toWorker = new ChannelSender({ key: keys.clientToWorkerKey, jobId, attempt, direction: 'client-to-worker' })
  }

  /**
   * Opens the next result chunk. `final` is the flag the chunk arrived with; it is authenticated,
   * so the job is complete exactly when a chunk opened with `final = true`.
   * @throws CocoonError INTEGRITY (TAMPERED | OUT_OF_ORDER | AFTER_FINAL), BAD_REQUEST
   */
  openChunk (chunk: SealedChunk, final: boolean): Uint8Array {
    return this.#fromWorker.open(chunk, final)
  }

  /** True once the final chunk has opened. A stream that ends before this was truncated. */
  get complete (): boolean { return this.#fromWorker.finished }

  /** The seq the next result chunk must carry. */
  get expectedSeq (): number { return this.#fromWorker.expectedSeq }

  /** Seals a client->worker message (receipt, cancel) with its own key and counter. */
  sealToWorker (plaintext: Uint8Array): SealedChunk {
    return this.#toWorker.seal(plaintext, false)
  }
}

/**
 * An ephemeral X25519 key already agreed with one worker's seal key: both X25519 operations done ahead of the job
 * (protocols/seal/prepared.ts), so sealing is only HKDF and one encryption. Single use: a second seal with it would
 * reuse its keys and nonces, so `sealJob` refuses one it has seen.
 */
export interface Agreement {
  workerSealKey: Uint8Array
  /** The ephemeral public key, sent with the job. */
  ephemeralKey: Uint8Array
  sharedSecret: Uint8Array
  /**
   * A job id drawn ahead with the session keys of one attempt under it (SealPreparer): a job sealed with that id
   * and attempt needs no key derivation either, only the encryption.
   */
  prepared?: PreparedKeys
}

const usedAgreements = new WeakSet<Agreement>()

/** Seals a job to a worker's seal key with a fresh ephemeral key, or with one agreed ahead for that key. */
export function sealJob (input: SealJobInput, agreed?: Agreement): { sealed: SealedJob, session: ClientSession } {
  checkKey(input.workerSealKey, 'worker seal key')
  if (agreed == null) return sealWith(input, agreeWith(generateEphemeralKey(), input.workerSealKey))
  if (usedAgreements.has(agreed)) throw badSealInput('this ephemeral key already sealed a job')
  if (!equalBytes(agreed.workerSealKey, input.workerSealKey)) throw badSealInput('the agreement is for another worker seal key')
  usedAgreements.add(agreed)
  return sealWith(input, agreed)
}

/**
 * The deterministic core of `sealJob`. Not exported from the package: reusing an ephemeral key
 * for two jobs would reuse nonces. Tests use it to pin known-answer vectors.
 */
export function sealJobWithEphemeral (input: SealJobInput, ephemeralPrivateKey: Uint8Array): { sealed: SealedJob, session: ClientSession } {
  checkKey(ephemeralPrivateKey, 'ephemeral private key')
  return sealWith(input, agreeWith(ephemeralKeyFromRaw(ephemeralPrivateKey), input.workerSealKey))
}

/** X25519 of a fresh ephemeral key with a worker's seal key (kept as a key object: workers' keys recur). */
export function agreeWith (ephemeral: EphemeralKey, workerSealKey: Uint8Array): Agreement {
  checkKey(workerSealKey, 'worker seal key')
  return {
    workerSealKey: copyBytes(workerSealKey),
    ephemeralKey: ephemeral.publicKey,
    sharedSecret: agree(ephemeral.privateKey, workerSealKey, { reusedPublicKey: true })
  }
}

function sealWith (input: SealJobInput, agreed: Agreement): { sealed: SealedJob, session: ClientSession } {
  checkJobId(input.jobId)
  checkAttempt(input.attempt)
  if (!(input.plaintext instanceof Uint8Array)) throw badSealInput('plaintext must be a Uint8Array')

  // copies: the session must not change if the caller reuses its buffers
  const jobId = copyBytes(input.jobId)
  const { ephemeralKey, sharedSecret, workerSealKey, prepared } = agreed
  const keys = sessionKeysFor({ sharedSecret, jobId, ephemeralKey, workerSealKey, attempt: input.attempt }, prepared)
  const ciphertext = aeadSeal(keys.requestKey, nonceFor(0), jobAad(jobId, input.attempt), input.plaintext)
  return {
    sealed: { ephemeralKey, ciphertext },
    session: new ClientSession(keys, jobId, input.attempt)
  }
}
