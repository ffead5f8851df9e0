import type { PeerId } from '@libp2p/interface'
import { systemClock, type Clock } from '../common/clock.js'
import { KNOWN_WORKER_TTL_MS, KNOWN_WORKERS_PER_MODEL } from './constants.js'

/** A worker a proxy offered this client for a model, with what the client needs to seal to it again. */
export interface KnownWorker {
  worker: PeerId
  certificate: Uint8Array
  collateral: Uint8Array
  priceNanoPerToken: bigint
}

interface Entry extends KnownWorker {
  /** When a proxy last offered this worker. */
  confirmedAt: number
  lastUsedAt: number
  inFlight: number
}

/**
 * Workers recently offered to this client, per model: the fast path seals a job to one of them before asking any
 * proxy, which saves the offer round trip. Pure (injectable clock). An entry lives KNOWN_WORKER_TTL_MS after a
 * proxy last offered it (accepting a pre-sealed job does not extend it), so the proxy's own choice (load, speed,
 * price, workers that joined since) comes back in regularly; it goes at once when a proxy passes it over. The certificate is verified again (from the verifier's cache) before each use.
 */
export class KnownWorkers {
  private readonly byModel = new Map<string, Entry[]>()
  private readonly clock: Clock

  constructor (clock: Clock = systemClock) {
    this.clock = clock
  }

  /** A proxy offered this worker for the model. */
  remember (model: string, known: KnownWorker): void {
    const now = this.clock()
    const list = this.live(model)
    const existing = list.find(e => e.worker.equals(known.worker))
    if (existing != null) {
      Object.assign(existing, known, { confirmedAt: now })
      return
    }
    list.push({ ...known, confirmedAt: now, lastUsedAt: 0, inFlight: 0 })
    // Keep the most recently confirmed few.
    list.sort((a, b) => b.confirmedAt - a.confirmedAt)
    list.length = Math.min(list.length, KNOWN_WORKERS_PER_MODEL)
    this.byModel.set(model, list)
  }

  /**
   * A proxy accepted a job pre-sealed to this worker: its price is updated, but its lifetime is not extended, so
   * a client keeps asking the proxy's own choice at least once per KNOWN_WORKER_TTL_MS (new workers get found).
   */
  accepted (model: string, worker: PeerId, priceNanoPerToken: bigint): void {
    const entry = this.live(model).find(e => e.worker.equals(worker))
    if (entry != null) entry.priceNanoPerToken = priceNanoPerToken
  }

  /** The worker to pre-seal the next job to: fewest of this client's jobs on it, then least recently used. */
  pick (model: string): KnownWorker | undefined {
    const list = this.live(model)
    if (list.length === 0) return undefined
    const best = list.reduce((a, b) => (b.inFlight < a.inFlight || (b.inFlight === a.inFlight && b.lastUsedAt < a.lastUsedAt)) ? b : a)
    const { worker, certificate, collateral, priceNanoPerToken } = best
    return { worker, certificate, collateral, priceNanoPerToken }
  }

  /** A job was sent to the worker; returns the function that marks it over. */
  begin (model: string, worker: PeerId): () => void {
    const entry = this.live(model).find(e => e.worker.equals(worker))
    if (entry == null) return () => {}
    entry.inFlight++
    entry.lastUsedAt = this.clock()
    let ended = false
    return () => {
      if (ended) return
      ended = true
      entry.inFlight--
    }
  }

  /** A proxy passed the worker over, or its certificate no longer verifies. */
  forget (model: string, worker: PeerId): void {
    const list = this.byModel.get(model)
    if (list == null) return
    const kept = list.filter(e => !e.worker.equals(worker))
    if (kept.length > 0) this.byModel.set(model, kept)
    else this.byModel.delete(model)
  }

  private live (model: string): Entry[] {
    const now = this.clock()
    const list = (this.byModel.get(model) ?? []).filter(e => now - e.confirmedAt <= KNOWN_WORKER_TTL_MS)
    if (list.length > 0) this.byModel.set(model, list)
    else this.byModel.delete(model)
    return list
  }
}
