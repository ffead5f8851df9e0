import { randomBytes } from '@noble/hashes/utils.js'
import { agreeWith, type Agreement } from './client.js'
import { checkAttempt, checkJobId } from './encoding.js'
import { checkKey, deriveSessionKeys, generateEphemeralKey } from './keys.js'
import type { AnnouncedSeal } from './announced.js'

/** Workers whose next agreements are kept ready; a client uses a few. @default 16 */
const PREPARED_WORKERS = 16

/**
 * Agreements kept ready per worker: the one the next job takes, and the one after it, whose public half that job
 * announces to the worker (`upcoming`). @default 2
 */
const READY_PER_WORKER = 2

/**
 * How long after a job took an agreement the next one for that worker is made: after the job's own first
 * messages have left, so the two X25519 operations (~0.3 ms here, more on a busy machine) do not delay it.
 * @default 20 ms
 */
const REFILL_DELAY_MS = 20

export interface SealPreparerInit {
  /** Length of the job ids drawn ahead. @default 16 (the job protocol's JOB_ID_BYTES) */
  jobIdBytes?: number
  /** The attempt the keys drawn ahead are for. @default 1 (a job sealed before any offer, the job protocol's fast path) */
  attempt?: number
}

/**
 * Keeps ephemeral keys agreed ahead with each recently used worker seal key, so that sealing a job, which sits on
 * the path to the first token, does no X25519 and, for a job sealed under the job id drawn with its agreement, no
 * key derivation: generating the ephemeral key, agreeing it with the worker's key, drawing a job id and deriving
 * its session keys happen between jobs. Each agreement is handed out once (sealJob refuses a used one), and a
 * fresh one is made after. The agreement after the next is ready too, so a job can announce it to the worker
 * (sealed), which then does its half of the work between jobs as well (OpeningPreparer). Agreements are as secret
 * as the session keys they derive, and live in memory only.
 */
export class SealPreparer {
  private readonly ready = new Map<string, Agreement[]>()
  private readonly refilling = new Set<string>()
  private readonly jobIdBytes: number
  private readonly attempt: number

  constructor (init: SealPreparerInit = {}) {
    this.jobIdBytes = init.jobIdBytes ?? 16
    this.attempt = init.attempt ?? 1
    checkJobId(new Uint8Array(this.jobIdBytes))
    checkAttempt(this.attempt)
  }

  /** An agreement for this worker seal key: the first made ahead if there is one, else made now (without a job id). */
  take (workerSealKey: Uint8Array): Agreement {
    checkKey(workerSealKey, 'worker seal key')
    const id = Buffer.from(workerSealKey).toString('hex')
    const queue = this.ready.get(id)
    const agreed = queue?.shift()
    if (queue != null && queue.length === 0) this.ready.delete(id)
    this.refillLater(id, Uint8Array.from(workerSealKey))
    return agreed ?? agreeWith(generateEphemeralKey(), workerSealKey)
  }

  /**
   * The public half (ephemeral key and job id) of the agreement the next `take` for this key hands out, if one is
   * ready: what a job announces to the worker so that it can prepare to open the next one.
   */
  upcoming (workerSealKey: Uint8Array): AnnouncedSeal | undefined {
    const next = this.ready.get(Buffer.from(workerSealKey).toString('hex'))?.[0]
    if (next?.prepared == null) return undefined
    return { ephemeralKey: next.ephemeralKey, jobId: next.prepared.jobId }
  }

  /** How many agreements are ready, over all workers (for tests and status). */
  get size (): number {
    let n = 0
    for (const queue of this.ready.values()) n += queue.length
    return n
  }

  private refillLater (id: string, workerSealKey: Uint8Array): void {
    if (this.refilling.has(id)) return
    this.refilling.add(id)
    setTimeout(() => {
      this.refilling.delete(id)
      const queue = this.ready.get(id) ?? []
      try {
        while (queue.length < READY_PER_WORKER) queue.push(this.prepare(workerSealKey))
      } catch {
        return // a key OpenSSL refuses fails again, and visibly, when a job seals to it
      }
      // Most recently used last, so the least recently used worker is the one let go.
      this.ready.delete(id)
      this.ready.set(id, queue)
      while (this.ready.size > PREPARED_WORKERS) this.ready.delete(this.ready.keys().next().value as string)
    }, REFILL_DELAY_MS).unref?.()
  }

  private prepare (workerSealKey: Uint8Array): Agreement {
    const agreed = agreeWith(generateEphemeralKey(), workerSealKey)
    const jobId = randomBytes(this.jobIdBytes)
    const keys = deriveSessionKeys({ sharedSecret: agreed.sharedSecret, jobId, ephemeralKey: agreed.ephemeralKey, workerSealKey: agreed.workerSealKey, attempt: this.attempt })
    return { ...agreed, prepared: { jobId, attempt: this.attempt, keys } }
  }
}
