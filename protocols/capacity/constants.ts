/** Tunables of capacity gossip, with their defaults and why. */

export const CAPACITY_TOPIC = '/cocoon/capacity/1'

/** A worker publishes this often even when nothing changed, so proxies can tell it is alive. @default 2 s */
export const ANNOUNCE_INTERVAL_MS = 2_000

/** A table entry not refreshed for this long is dropped: three missed announcements. @default 6.5 s */
export const ENTRY_TTL_MS = 6_500

/** How often expired entries are removed (they are invisible to selection from the moment they expire). @default 500 ms */
export const PRUNE_INTERVAL_MS = 500

/** Announcements larger than this are rejected before decoding. @default 4 KiB */
export const MAX_ANNOUNCEMENT_BYTES = 4096

/** An announcement older than this on arrival is stale (gossip takes milliseconds; allow slow links). @default 30 s */
export const MAX_AGE_MS = 30_000

/** An announcement dated further in the future than this is rejected (clock skew allowance). @default 5 s */
export const MAX_FUTURE_MS = 5_000

/** Most models one worker may list. @default 32 */
export const MAX_MODELS = 32

/** Longest model id or GPU name accepted. @default 128 characters */
export const MAX_STRING_LENGTH = 128

/** Most slots one worker may claim; larger claims are not believable and would skew selection. @default 1024 */
export const MAX_SLOTS = 1024

/** Gossip score weight for each invalid (REJECTed) message a peer delivered on the capacity topic (P4). */
export const INVALID_MESSAGE_WEIGHT = -100

/**
 * Worker selection weights (see selection.ts for the formula). A worker's score is the product of factors in
 * (0, 1], so one bad property (no free slot, repeated failures) dominates; ties are broken at random.
 */
export const SELECTION = {
  /** Exponential moving average weight of a new observation of success or latency. */
  ewmaAlpha: 0.2,
  /** Success rate a worker starts with before we have seen it work. Optimistic so new workers get tried. */
  priorSuccessRate: 0.9,
  /** How much a worker's speed counts: score *= (tps / fastest)^speedWeight. */
  speedWeight: 0.5,
  /** How much price counts: score *= (cheapest / price)^priceWeight. */
  priceWeight: 0.5,
  /** How much observed first-token latency counts: score *= (best / latency)^latencyWeight. */
  latencyWeight: 0.3,
  /** Each job queued at a worker scales its score by 1 / (1 + queue * queuePenalty). */
  queuePenalty: 0.5,
  /** Pick among the top candidates with probability proportional to score, so load spreads. */
  candidates: 3
} as const
