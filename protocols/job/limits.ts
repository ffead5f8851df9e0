import type { Clock } from '../common/clock.js'
import { systemClock } from '../common/clock.js'
import { CLIENT_MAX_CONCURRENT, CLIENT_RATE_BURST, CLIENT_RATE_PER_SECOND } from './constants.js'

export interface ClientLimitsInit {
  maxConcurrent?: number
  ratePerSecond?: number
  burst?: number
  clock?: Clock
}

/**
 * Per-client admission at a proxy: a token bucket for the start rate and a cap on jobs running at once.
 * Pure (injectable clock). `admit` returns the refusal reason, or a release function to call when the job ends.
 */
export class ClientLimits {
  private readonly buckets = new Map<string, { tokens: number, at: number }>()
  private readonly running = new Map<string, number>()
  private readonly maxConcurrent: number
  private readonly rate: number
  private readonly burst: number
  private readonly clock: Clock

  constructor (init: ClientLimitsInit = {}) {
    this.maxConcurrent = init.maxConcurrent ?? CLIENT_MAX_CONCURRENT
    this.rate = init.ratePerSecond ?? CLIENT_RATE_PER_SECOND
    this.burst = init.burst ?? CLIENT_RATE_BURST
    this.clock = init.clock ?? systemClock
  }

  admit (client: string): { ok: true, release: () => void } | { ok: false, reason: string } {
    const now = this.clock()
    const b = this.buckets.get(client) ?? { tokens: this.burst, at: now }
    b.tokens = Math.min(this.burst, b.tokens + (now - b.at) / 1000 * this.rate)
    b.at = now
    this.buckets.set(client, b)
    const running = this.running.get(client) ?? 0
    if (running >= this.maxConcurrent) return { ok: false, reason: `too many concurrent jobs (limit ${this.maxConcurrent})` }
    if (b.tokens < 1) return { ok: false, reason: `too many jobs per second (limit ${this.rate}/s)` }
    b.tokens -= 1
    this.running.set(client, running + 1)
    let released = false
    return {
      ok: true,
      release: () => {
        if (released) return
        released = true
        const n = (this.running.get(client) ?? 1) - 1
        if (n <= 0) this.running.delete(client)
        else this.running.set(client, n)
      }
    }
  }

  /** Forget clients idle long enough that their bucket is full again (bounded memory). */
  sweep (): void {
    const now = this.clock()
    for (const [client, b] of this.buckets) {
      if (!this.running.has(client) && b.tokens + (now - b.at) / 1000 * this.rate >= this.burst) this.buckets.delete(client)
    }
  }
}
