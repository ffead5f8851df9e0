import { aeadOpen } from './aead.js'
import { ChannelReceiver, ChannelSender } from './channel.js'
import { AEAD_TAG_BYTES } from './constants.js'
import { checkAttempt, checkJobId, copyBytes, jobAad, nonceFor } from './encoding.js'
import { badSealInput, integrityError } from './errors.js'
import { agree, checkKey, sealPublicKeyOf, sessionKeysFor } from './keys.js'
import type { PreparedOpening } from './announced.js'
import { equalBytes } from '@noble/ciphers/utils.js'
import type { SealedChunk } from './channel.js'
import type { SealedJob } from './client.js'

export interface OpenJobInput {
  /** The worker's X25519 private seal key (its public half is in the certificate). */
  sealPrivateKey: Uint8Array
  jobId: Uint8Array
  attempt: number
  sealed: SealedJob
}

/** The worker's end of one job attempt: seals result chunks, opens client messages. */
export class WorkerSession {
  readonly jobId: Uint8Array
  readonly attempt: number
  readonly #toClient: ChannelSender
  readonly #fromClient: ChannelReceiver

  constructor (keys: { responseKey: Uint8Array, clientToWorkerKey: Uint8Array }, jobId: Uint8Array, attempt: number) {
    this.jobId = jobId
    this.attempt = attempt
    this.#toClient = new ChannelSender({ key: keys.responseKey, jobId, attempt, direction: 'response' })
    this.#fromClient = new ChannelReceiver({ key: keys.clientToWorkerKey, jobId, attempt, direction: 'client-to-worker' })
  }

  /**
   * Seals the next result chunk; seq counts from 0. Mark the last chunk `final`: the client
   * treats a stream without an opened final chunk as truncated.
   * @throws CocoonError INTEGRITY/AFTER_FINAL when called after the final chunk
   */
  sealChunk (plaintext: Uint8Array, opts: { final: boolean }): SealedChunk {
    return this.#toClient.seal(plaintext, opts.final)
  }

  /** True once the final chunk has been sealed. */
  get finished (): boolean { return this.#toClient.finished }

  /**
   * Opens the next client->worker message (receipt, cancel), enforcing its order.
   * @throws CocoonError INTEGRITY (TAMPERED | OUT_OF_ORDER), BAD_REQUEST
   */
  openFromClient (chunk: SealedChunk): Uint8Array {
    return this.#fromClient.open(chunk, false)
  }
}

/**
 * Opens a sealed job. A ciphertext that does not authenticate is `INTEGRITY/TAMPERED`: with an
 * AEAD a wrong key and changed bytes look the same, and either way the job must not run. `prepared` is the
 * agreement done ahead for the job's ephemeral key (OpeningPreparer), used only if it was made for exactly this
 * ephemeral key and this worker's seal key, and its derived keys only for the same job id and attempt.
 */
export function openJob (input: OpenJobInput, prepared?: PreparedOpening): { plaintext: Uint8Array, session: WorkerSession } {
  checkKey(input.sealPrivateKey, 'seal private key')
  checkJobId(input.jobId)
  checkAttempt(input.attempt)
  if (input.sealed == null) throw badSealInput('sealed job is missing')
  checkKey(input.sealed.ephemeralKey, 'ephemeral key')
  if (!(input.sealed.ciphertext instanceof Uint8Array)) throw badSealInput('sealed job ciphertext must be a Uint8Array')
  if (input.sealed.ciphertext.byteLength < AEAD_TAG_BYTES) {
    throw integrityError('TAMPERED', 'sealed job is shorter than its tag')
  }

  const jobId = copyBytes(input.jobId)
  const ephemeralKey = copyBytes(input.sealed.ephemeralKey)
  const workerSealKey = sealPublicKeyOf(input.sealPrivateKey)
  const ahead = prepared != null && equalBytes(prepared.ephemeralKey, ephemeralKey) && equalBytes(prepared.workerSealKey, workerSealKey) ? prepared : undefined
  const sharedSecret = ahead?.sharedSecret ?? agree(input.sealPrivateKey, ephemeralKey)
  const keys = sessionKeysFor({ sharedSecret, jobId, ephemeralKey, workerSealKey, attempt: input.attempt }, ahead)
  let plaintext: Uint8Array
  try {
    plaintext = aeadOpen(keys.requestKey, nonceFor(0), jobAad(jobId, input.attempt), input.sealed.ciphertext)
  } catch (err) {
    throw integrityError('TAMPERED', 'sealed job failed authentication (wrong seal key, wrong job id or attempt, or changed bytes)', { attempt: input.attempt }, err)
  }
  return { plaintext, session: new WorkerSession(keys, jobId, input.attempt) }
}
