import { agreeWith, type Agreement } from './client.js'
import { checkKey, generateEphemeralKey } from './keys.js'

/** Workers whose next agreement is kept ready; a client uses a few. @default 16 */
const PREPARED_KEYS = 16

/**
 * How long after a job took an agreement the next one for that worker is made: after the job's own first
 * messages have left, so the two X25519 operations (~0.3 ms here, more on a busy machine) do not delay it.
 * @default 20 ms
 */
const REFILL_DELAY_MS = 20

/**
 * Keeps one ephemeral key agreed ahead with each recently used worker seal key, so that sealing a job, which sits
 * on the path to the first token, needs no X25519 operation: generating the ephemeral key and agreeing it with the
 * worker's key happen between jobs. Each agreement is handed out once (sealJob refuses a used one), and a fresh
 * one is made after. An agreement is as secret as the session keys it will derive, and lives in memory only.
 */
export class SealPreparer {
  private readonly ready = new Map<string, Agreement>()
  private readonly refilling = new Set<string>()

  /** An agreement for this worker seal key: the one made ahead if there is one, else made now. */
  take (workerSealKey: Uint8Array): Agreement {
    checkKey(workerSealKey, 'worker seal key')
    const id = Buffer.from(workerSealKey).toString('hex')
    const agreed = this.ready.get(id)
    this.ready.delete(id)
    this.refillLater(id, Uint8Array.from(workerSealKey))
    return agreed ?? agreeWith(generateEphemeralKey(), workerSealKey)
  }

  /** How many workers have an agreement ready (for tests and status). */
  get size (): number {
    return this.ready.size
  }

  private refillLater (id: string, workerSealKey: Uint8Array): void {
    if (this.refilling.has(id)) return
    this.refilling.add(id)
    setTimeout(() => {
      this.refilling.delete(id)
      if (this.ready.has(id)) return
      try {
        this.ready.set(id, agreeWith(generateEphemeralKey(), workerSealKey))
      } catch {
        return // a key OpenSSL refuses fails again, and visibly, when a job seals to it
      }
      while (this.ready.size > PREPARED_KEYS) this.ready.delete(this.ready.keys().next().value as string)
    }, REFILL_DELAY_MS).unref?.()
  }
}
