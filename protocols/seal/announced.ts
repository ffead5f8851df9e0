import { systemClock, type Clock } from '../common/clock.js'
import { checkJobId, copyBytes } from './encoding.js'
import { agree, checkKey, deriveSessionKeys, sealPublicKeyOf, type PreparedKeys } from './keys.js'

/** What a client announces, sealed inside a job, about the next job it will seal to the same worker. */
export interface AnnouncedSeal {
  /** The ephemeral public key the next job will carry. */
  ephemeralKey: Uint8Array
  /** The job id it will carry if it is sealed before any offer. */
  jobId: Uint8Array
}

/** A worker's half of a job's key agreement, done before the job came. */
export interface PreparedOpening extends PreparedKeys {
  /** The worker seal key (public) it was made with. */
  workerSealKey: Uint8Array
  ephemeralKey: Uint8Array
  sharedSecret: Uint8Array
}

export interface OpeningPreparerInit {
  sealPrivateKey: Uint8Array
  /** The attempt the keys are derived for. @default 1 (the job protocol's pre-sealed jobs) */
  attempt?: number
  /** @default 1024 */
  maxEntries?: number
  /** An announcement not used within this long is dropped. @default 10 min */
  ttlMs?: number
  clock?: Clock
}

interface Held {
  opening: PreparedOpening
  until: number
}

/**
 * The worker's side of agreements made ahead: for each ephemeral key a client announced for its next job, the
 * X25519 agreement (and the key derivation for the announced job id) is done between jobs, so opening that job,
 * on the path to its first token, is one decryption (0.3 ms of 0.8 ms before, traced; a raw key's import into
 * OpenSSL alone cost 0.3 ms on a worker that had been idle). Each is used once. Bounded in count and age: a
 * client can only announce from inside a job it sealed, and an announcement nobody uses costs one agreement.
 * A key that does not agree (low order) is dropped; the job that later carries it fails to open as before.
 */
export class OpeningPreparer {
  private readonly held = new Map<string, Held>()
  private readonly sealPrivateKey: Uint8Array
  private readonly workerSealKey: Uint8Array
  private readonly attempt: number
  private readonly maxEntries: number
  private readonly ttlMs: number
  private readonly clock: Clock

  constructor (init: OpeningPreparerInit) {
    checkKey(init.sealPrivateKey, 'seal private key')
    this.sealPrivateKey = init.sealPrivateKey
    this.workerSealKey = sealPublicKeyOf(init.sealPrivateKey)
    this.attempt = init.attempt ?? 1
    this.maxEntries = init.maxEntries ?? 1024
    this.ttlMs = init.ttlMs ?? 600_000
    this.clock = init.clock ?? systemClock
  }

  /** Does the worker's half for an announced job now. False (and nothing kept) for a malformed or unusable key. */
  prepare (announced: AnnouncedSeal): boolean {
    let opening: PreparedOpening
    try {
      checkKey(announced.ephemeralKey, 'announced ephemeral key')
      checkJobId(announced.jobId)
      const ephemeralKey = copyBytes(announced.ephemeralKey)
      const jobId = copyBytes(announced.jobId)
      const sharedSecret = agree(this.sealPrivateKey, ephemeralKey)
      const keys = deriveSessionKeys({ sharedSecret, jobId, ephemeralKey, workerSealKey: this.workerSealKey, attempt: this.attempt })
      opening = { workerSealKey: this.workerSealKey, ephemeralKey, sharedSecret, jobId, attempt: this.attempt, keys }
    } catch {
      return false
    }
    const id = Buffer.from(opening.ephemeralKey).toString('hex')
    this.held.delete(id)
    this.held.set(id, { opening, until: this.clock() + this.ttlMs })
    while (this.held.size > this.maxEntries) this.held.delete(this.held.keys().next().value as string)
    return true
  }

  /** The opening prepared for this ephemeral key, once; undefined if none (or it expired). */
  take (ephemeralKey: Uint8Array): PreparedOpening | undefined {
    if (!(ephemeralKey instanceof Uint8Array)) return undefined
    const id = Buffer.from(ephemeralKey.buffer, ephemeralKey.byteOffset, ephemeralKey.byteLength).toString('hex')
    const entry = this.held.get(id)
    if (entry == null) return undefined
    this.held.delete(id)
    return entry.until > this.clock() ? entry.opening : undefined
  }

  /** Openings held now (for tests and status). */
  get size (): number {
    return this.held.size
  }
}
