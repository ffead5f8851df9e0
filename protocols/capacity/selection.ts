import type { CapacityEntry } from './table.js'
import { SELECTION } from './constants.js'
import { modelHashHex } from './announcement.js'

/** What the proxy itself observed about a worker. Kept by `WorkerStats`; pure data. */
export interface WorkerObservation {
  successRate: number
  /** EWMA of first-token latency the proxy measured, ms; undefined until the first job. */
  firstTokenMs?: number
  /**
   * EWMA of the streaming speed the proxy measured (completion tokens after the first chunk / time to Final);
   * undefined until a job long enough to measure. Preferred over the speed the worker announces about itself.
   */
  tokensPerSecond?: number
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
 * score = free * own * success * speed * price * latency / (1 + queue * queuePenalty), where
 *   free    = min(announced freeSlots, slots - inFlight) / slots   (0 -> not a candidate)
 *   own     = 1 / (1 + inFlight) ^ inFlightBias, inFlight = jobs this proxy has running there (least request)
 *   success = observed success rate (EWMA, prior 0.9)
 *   speed   = (tokens/s / fastest tokens/s) ^ speedWeight, tokens/s as this proxy measured it when it has measured
 *             every candidate, else as each announces
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
  // Like with like: a measured speed includes the network path and an announced one does not, so measured speeds
  // rank the workers only once every candidate has one. Mixed, a worker this proxy had used ranked below one it
  // had not, however alike the two were.
  const measured = offers.every(o => o.obs.tokensPerSecond != null)
  const speedOf = (entry: CapacityEntry, obs: WorkerObservation): number => (measured ? obs.tokensPerSecond : undefined) ?? entry.announcement.tokensPerSecond
  const fastest = Math.max(...offers.map(o => speedOf(o.entry, o.obs)), 1e-9)
  const cheapest = offers.reduce((m, o) => o.price < m ? o.price : m, offers[0].price)
  const latencies = offers.map(o => o.obs.firstTokenMs).filter((x): x is number => x != null && x > 0)
  const bestLatency = latencies.length > 0 ? Math.min(...latencies) : undefined
  return offers.map(({ entry, price, obs }) => {
    const a = entry.announcement
    const free = freeSlots(entry, obs) / a.slots
    const own = 1 / Math.pow(1 + obs.inFlight, SELECTION.inFlightBias)
    const speed = Math.pow(Math.max(speedOf(entry, obs), 1e-9) / fastest, SELECTION.speedWeight)
    const priceFactor = price === 0n ? 1 : Math.pow(Number(cheapest === 0n ? 1n : cheapest) / Number(price), SELECTION.priceWeight)
    const latency = bestLatency != null && obs.firstTokenMs != null && obs.firstTokenMs > 0
      ? Math.pow(bestLatency / obs.firstTokenMs, SELECTION.latencyWeight)
      : 1
    const score = free * own * obs.successRate * speed * priceFactor * latency / (1 + a.queue * SELECTION.queuePenalty)
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

/**
 * How one attempt on a worker ended, as the proxy saw it. `ok` is true when the worker finished (with an answer or
 * its own refusal of the job), false when the worker failed (unreachable, stream broken, busy, refused admission),
 * and left out when the attempt ended for a reason that was not the worker's: the client cancelled or went away,
 * sent a bad job or none in time. Only the worker's own outcomes move its success rate, so a client cannot steer
 * load away from an honest worker by abandoning jobs on it.
 */
export interface AttemptObservation {
  ok?: boolean
  /** From forwarding the job to the first chunk, ms. */
  firstTokenMs?: number
  /** Completion tokens after the first chunk, per second until Final (long enough jobs only). */
  tokensPerSecond?: number
}

/**
 * Tokens per second after the first chunk (the first token travels alone, so the rest took the time since it), as
 * the proxy saw the stream; undefined for jobs too short to tell. Chunks of a short answer can reach the proxy
 * bunched together (a busy worker or relay flushes them at once), so only a stream of at least
 * SELECTION.minTokensForSpeed tokens over at least SELECTION.minMsForSpeed counts: a 24-token answer whose chunks
 * arrived together once "measured" 60,964 tokens/s, and ranked every other worker to a tenth of its score.
 */
export function streamingSpeed (completionTokens: number, firstChunkAt: number | undefined, finalAt: number): number | undefined {
  if (firstChunkAt == null || completionTokens < SELECTION.minTokensForSpeed) return undefined
  const ms = finalAt - firstChunkAt
  return ms >= SELECTION.minMsForSpeed ? (completionTokens - 1) / (ms / 1000) : undefined
}

/**
 * Workers a proxy keeps a record of. Peer ids cost nothing to make, so without a bound a long-running proxy would
 * keep one record per worker that ever came and went. @default 10,000 (about 1 MB)
 */
export const WORKER_STATS_MAX = 10_000

/**
 * The proxy's own record of each worker: success EWMA, first-token and speed EWMAs, jobs in flight. Pure. Holds at
 * most `maxEntries`; past it, the records of workers least recently sent a job go first (never one with a job in
 * flight), and a worker whose record went starts again from the prior, as a new one.
 */
export class WorkerStats {
  private readonly stats = new Map<string, WorkerObservation>()
  private readonly maxEntries: number

  constructor (maxEntries = WORKER_STATS_MAX) {
    this.maxEntries = maxEntries
  }

  observe (peerId: string): WorkerObservation {
    return this.stats.get(peerId) ?? { successRate: SELECTION.priorSuccessRate, inFlight: 0 }
  }

  /** Whether this proxy has sent the worker a job yet. */
  tried (peerId: string): boolean {
    return this.stats.has(peerId)
  }

  begin (peerId: string): void {
    const s = this.mutable(peerId)
    s.inFlight++
    // Most recently sent a job last: the first ones are the ones to let go.
    this.stats.delete(peerId)
    this.stats.set(peerId, s)
    if (this.stats.size > this.maxEntries) this.evict()
  }

  /** How many workers it holds a record of. */
  get size (): number {
    return this.stats.size
  }

  /** Ends a job begun with `begin`, recording what the proxy observed of it. */
  end (peerId: string, seen: AttemptObservation): void {
    const s = this.mutable(peerId)
    s.inFlight = Math.max(0, s.inFlight - 1)
    if (seen.ok != null) s.successRate = ewma(s.successRate, seen.ok ? 1 : 0)
    if (seen.firstTokenMs != null) s.firstTokenMs = ewma(s.firstTokenMs, seen.firstTokenMs)
    if (seen.tokensPerSecond != null && Number.isFinite(seen.tokensPerSecond) && seen.tokensPerSecond > 0) {
      s.tokensPerSecond = ewma(s.tokensPerSecond, seen.tokensPerSecond)
    }
  }

  private evict (): void {
    for (const [peerId, s] of this.stats) {
      if (this.stats.size <= this.maxEntries) return
      if (s.inFlight === 0) this.stats.delete(peerId)
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

function ewma (current: number | undefined, sample: number): number {
  return current == null ? sample : current + SELECTION.ewmaAlpha * (sample - current)
}
