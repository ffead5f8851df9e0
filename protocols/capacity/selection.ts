import type { CapacityEntry } from './table.js'
import { SELECTION } from './constants.js'
import { modelHashHex } from './announcement.js'

/** What the proxy itself observed about a worker. Kept by `WorkerStats`; pure data. */
export interface WorkerObservation {
  successRate: number
  /** EWMA of first-token latency the proxy measured, ms; undefined until the first job. */
  firstTokenMs?: number
  /** Jobs this proxy currently has running on the worker (announcements lag behind). */
  inFlight: number
}

export interface SelectionRequest {
  model: string
  /** 0 = any price. */
  maxPriceNanoPerToken: bigint
  /** Workers not to pick again (failed earlier attempts of the same job). */
  exclude: Set<string>
}

export interface Candidate {
  entry: CapacityEntry
  price: bigint
  score: number
}

/**
 * Scores every live worker serving the model and picks one. Pure: the caller gives the table snapshot, its own
 * observations and a random source (seeded in the simulator).
 *
 * score = free * success * speed * price * latency / (1 + queue * queuePenalty), where
 *   free    = min(announced freeSlots, slots - inFlight) / slots   (0 -> not a candidate)
 *   success = observed success rate (EWMA, prior 0.9)
 *   speed   = (tokens/s / fastest tokens/s) ^ speedWeight
 *   price   = (cheapest / price) ^ priceWeight
 *   latency = (best first-token ms / this one's) ^ latencyWeight (1 when not yet observed)
 * The top `candidates` are drawn with probability proportional to score, which spreads load between similar
 * workers instead of herding every job onto the single best one between two announcements.
 */
export function selectWorker (
  entries: CapacityEntry[],
  req: SelectionRequest,
  observe: (peerId: string) => WorkerObservation,
  random: () => number = Math.random
): Candidate | undefined {
  return drawCandidate(rankWorkers(entries, req, observe), random)
}

/** Draws one of the top `SELECTION.candidates` of a ranked list, with probability proportional to score. */
export function drawCandidate (ranked: Candidate[], random: () => number = Math.random): Candidate | undefined {
  const top = ranked.slice(0, SELECTION.candidates)
  const total = top.reduce((s, c) => s + c.score, 0)
  if (top.length === 0 || total <= 0) return undefined
  let r = random() * total
  for (const c of top) {
    r -= c.score
    if (r <= 0) return c
  }
  return top[top.length - 1]
}

export function rankWorkers (
  entries: CapacityEntry[],
  req: SelectionRequest,
  observe: (peerId: string) => WorkerObservation
): Candidate[] {
  const offers: Array<{ entry: CapacityEntry, price: bigint, obs: WorkerObservation }> = []
  for (const entry of entries) {
    if (req.exclude.has(entry.peerId)) continue
    const model = entry.announcement.models.find(m => m.id === req.model || modelHashHex(m.sha256) === req.model)
    if (model == null) continue
    if (req.maxPriceNanoPerToken > 0n && model.priceNanoPerToken > req.maxPriceNanoPerToken) continue
    const obs = observe(entry.peerId)
    if (freeSlots(entry, obs) <= 0) continue
    offers.push({ entry, price: model.priceNanoPerToken, obs })
  }
  if (offers.length === 0) return []
  const fastest = Math.max(...offers.map(o => o.entry.announcement.tokensPerSecond), 1e-9)
  const cheapest = offers.reduce((m, o) => o.price < m ? o.price : m, offers[0].price)
  const latencies = offers.map(o => o.obs.firstTokenMs).filter((x): x is number => x != null && x > 0)
  const bestLatency = latencies.length > 0 ? Math.min(...latencies) : undefined
  return offers.map(({ entry, price, obs }) => {
    const a = entry.announcement
    const free = freeSlots(entry, obs) / a.slots
    const speed = Math.pow(Math.max(a.tokensPerSecond, 1e-9) / fastest, SELECTION.speedWeight)
    const priceFactor = price === 0n ? 1 : Math.pow(Number(cheapest === 0n ? 1n : cheapest) / Number(price), SELECTION.priceWeight)
    const latency = bestLatency != null && obs.firstTokenMs != null && obs.firstTokenMs > 0
      ? Math.pow(bestLatency / obs.firstTokenMs, SELECTION.latencyWeight)
      : 1
    const score = free * obs.successRate * speed * priceFactor * latency / (1 + a.queue * SELECTION.queuePenalty)
    return { entry, price, score }
  }).sort((x, y) => y.score - x.score)
}

/**
 * Free slots as best the proxy can tell: the announcement already excludes the jobs running when it was made
 * (ours among them), while our own in-flight count is current; the smaller of the two is never optimistic.
 */
function freeSlots (entry: CapacityEntry, obs: WorkerObservation): number {
  return Math.min(entry.announcement.freeSlots, entry.announcement.slots - obs.inFlight)
}

/** The proxy's own record of each worker: success EWMA, first-token EWMA, jobs in flight. Pure. */
export class WorkerStats {
  private readonly stats = new Map<string, WorkerObservation>()

  observe (peerId: string): WorkerObservation {
    return this.stats.get(peerId) ?? { successRate: SELECTION.priorSuccessRate, inFlight: 0 }
  }

  begin (peerId: string): void {
    const s = this.mutable(peerId)
    s.inFlight++
  }

  /** Ends a job; `firstTokenMs` is what the proxy measured from forwarding the job to the first chunk. */
  end (peerId: string, ok: boolean, firstTokenMs?: number): void {
    const s = this.mutable(peerId)
    s.inFlight = Math.max(0, s.inFlight - 1)
    s.successRate += SELECTION.ewmaAlpha * ((ok ? 1 : 0) - s.successRate)
    if (firstTokenMs != null) {
      s.firstTokenMs = s.firstTokenMs == null ? firstTokenMs : s.firstTokenMs + SELECTION.ewmaAlpha * (firstTokenMs - s.firstTokenMs)
    }
  }

  private mutable (peerId: string): WorkerObservation {
    let s = this.stats.get(peerId)
    if (s == null) {
      s = this.observe(peerId)
      this.stats.set(peerId, s)
    }
    return s
  }
}
