import type { Clock } from '../common/clock.js'
import { systemClock } from '../common/clock.js'
import type { CapacityAnnouncement } from './gen/messages.js'
import { ENTRY_TTL_MS } from './constants.js'
import { modelHashHex } from './announcement.js'

export interface CapacityEntry {
  /** Peer id string of the worker. */
  peerId: string
  announcement: CapacityAnnouncement
  /** Local clock when the newest announcement arrived. */
  receivedAt: number
}

export interface CapacityTableInit {
  /** @default ENTRY_TTL_MS */
  ttlMs?: number
  clock?: Clock
}

/**
 * The live view of worker capacity a proxy routes by. Pure: no I/O, an injectable clock, so the simulator runs
 * the same table. Entries older than the TTL are invisible at once and removed on the next `prune()`.
 */
export class CapacityTable {
  private readonly entries = new Map<string, CapacityEntry>()
  private readonly ttl: number
  private readonly clock: Clock

  constructor (init: CapacityTableInit = {}) {
    this.ttl = init.ttlMs ?? ENTRY_TTL_MS
    this.clock = init.clock ?? systemClock
  }

  /** Stores a validated announcement; an older seq never replaces a newer one. Returns whether it was new. */
  upsert (peerId: string, announcement: CapacityAnnouncement): boolean {
    const old = this.entries.get(peerId)
    if (old != null && old.announcement.seq >= announcement.seq) return false
    this.entries.set(peerId, { peerId, announcement, receivedAt: this.clock() })
    return old == null
  }

  /** Highest seq seen from a peer while its entry is live; the validator IGNOREs (never rejects) anything not above it. */
  lastSeq (peerId: string): bigint | undefined {
    return this.entries.get(peerId)?.announcement.seq
  }

  get (peerId: string): CapacityEntry | undefined {
    const e = this.entries.get(peerId)
    return e != null && this.fresh(e) ? e : undefined
  }

  delete (peerId: string): boolean {
    return this.entries.delete(peerId)
  }

  /** Live entries, optionally only those serving a model (by catalog id or sha256 hex). */
  list (model?: string): CapacityEntry[] {
    const out: CapacityEntry[] = []
    for (const e of this.entries.values()) {
      if (!this.fresh(e)) continue
      if (model != null && !servesModel(e.announcement, model)) continue
      out.push(e)
    }
    return out
  }

  /** Removes expired entries and returns their peer ids. */
  prune (): string[] {
    const gone: string[] = []
    for (const [id, e] of this.entries) {
      if (!this.fresh(e)) {
        this.entries.delete(id)
        gone.push(id)
      }
    }
    return gone
  }

  get size (): number {
    return this.list().length
  }

  private fresh (e: CapacityEntry): boolean {
    return this.clock() - e.receivedAt <= this.ttl
  }
}

export function servesModel (a: CapacityAnnouncement, model: string): boolean {
  return a.models.some(m => m.id === model || modelHashHex(m.sha256) === model)
}
