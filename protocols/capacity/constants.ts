/** Tunables of capacity gossip, with their defaults and why. */

export const CAPACITY_TOPIC = '/cocoon/capacity/1'

/**
 * A worker re-publishes its unchanged state this often, only so proxies know it is still alive; any change (load,
 * models) is published at once (`announceSoon`) and restarts this period. Every announcement is flood-published
 * and signature-checked by every node, so this period sets the swarm's steady gossip cost: at 2 s a 25-node swarm
 * spent ~1.8 MB per node per minute on it and one process could not carry 50 nodes (bench/swarm.ts). Load and
 * capacity changes do not wait for it, so a slower refresh costs only how soon a dead worker is noticed.
 * @default 5 s
 */
export const ANNOUNCE_INTERVAL_MS = 5_000

/**
 * A table entry not refreshed for this long is dropped. Three refresh periods plus 1 s: a live worker whose
 * refreshes at +5 s and +10 s are both lost is still listed when the one at +15 s arrives (1 s covers gossip delay
 * and timer drift on a loaded node); a killed worker leaves every table within ~16.5 s (TTL + prune interval).
 * @default 16 s
 */
export const ENTRY_TTL_MS = 3 * ANNOUNCE_INTERVAL_MS + 1_000

/**
 * A worker whose last announcement reached no peer announces again this long after a peer subscribes to the topic:
 * enough to take the subscriptions that arrive in the same burst together, and short, because for a new worker this
 * wait sits directly on its path into the proxies' tables (issue 2's 2 s join goal; 100 ms was ~10% of a join's
 * p50 in bench/swarm.ts). @default 20 ms
 */
export const SUBSCRIBER_ANNOUNCE_DELAY_MS = 20

/**
 * How long a worker waits to announce a change in its load (a job started or ended), gathering the changes made
 * meanwhile into one announcement: a job shorter than this has its start and end in one message, where each used
 * to send two. Each announcement costs every node of the swarm a signature check, and on the worker a signature
 * and a publish that, landing mid-answer, came out of the engine's core. Proxies count their own jobs on a worker
 * at once and do not wait for it. @default 250 ms
 */
export const LOAD_ANNOUNCE_DELAY_MS = 250

/**
 * How long a worker waits to announce that it just filled its last slot, or has a free one again: these change
 * whether proxies may send it jobs at all, so they do not wait for LOAD_ANNOUNCE_DELAY_MS. @default 20 ms
 */
export const FULL_CHANGE_ANNOUNCE_DELAY_MS = 20

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
  /**
   * Each job this proxy already has running on a worker divides its score: score *= 1 / (1 + inFlight)^inFlightBias
   * (the weighted least-request rule of Envoy and similar balancers). Drawing in proportion to score alone leaves a
   * burst's split to chance: 20 jobs on two equal workers split worse than 6 / 14 about one burst in a hundred.
   * With this term each job drawn makes its worker less likely to draw the next, so bursts split close to the
   * workers' scores. The proxy's own count has no gossip lag, so a worker that just finished a job of ours is not
   * held back for it (which would cost the client's pre-sealed fast path).
   */
  inFlightBias: 1,
  /** Each job queued at a worker scales its score by 1 / (1 + queue * queuePenalty). */
  queuePenalty: 0.5,
  /** Pick among the top candidates with probability proportional to score, so load spreads. */
  candidates: 3,
  /**
   * A proxy forwards a job pre-sealed to the client's preferred worker (fast path) when that worker's score is at
   * least this fraction of the score of the worker the proxy would have drawn itself; below it (the preferred one is
   * busier, slower or dearer) the proxy offers its own pick. Below 1 so that equally good workers keep the fast
   * path, and well below it because speeds are self-announced: two identical workers started together on the test
   * machine announced speeds up to 1.6x apart, and at 0.8 the proxy passed the client's pre-sealed worker over for
   * that noise (a failed CI run). At 0.6 a busier worker (one free slot of four scores 0.25) still gives way.
   */
  presealedMinScoreRatio: 0.6,
  /** A job's streaming speed is measured only from this many completion tokens on (shorter jobs are all noise). */
  minTokensForSpeed: 16,
  /** ...and over at least this many ms from the first chunk to Final (shorter streams are all arrival jitter). */
  minMsForSpeed: 100
} as const

/**
 * Gossipsub mesh degrees (gossipsub's own names; its defaults are 6, 4, 12, 4, 2, 6). They are gossipsub-wide;
 * capacity is the only topic.
 * Every node forwards each announcement to its mesh peers, so a node receives about one copy per mesh peer, and
 * decrypting, decoding and re-sending those copies was most of a swarm's gossip CPU. The mesh is kept small
 * because it carries little here: announcements are flood-published, so the origin itself reaches every peer it
 * is connected to, and a proxy dials every worker it hears of, so after a worker's first announcement a proxy
 * gets the rest straight from it. The mesh (and IHAVE gossip to Dlazy more peers) only has to carry a new
 * worker's first announcements to proxies it is not yet connected to. In the 50-node bench (bench/swarm.ts, 2
 * cores) the defaults used ~95% of both cores in steady state and a join took 1.3-2.7 s p50 to reach a proxy; with
 * these, ~80% and 0.3-1.0 s, and gossip bytes per node fell by a third.
 */
export const GOSSIP_MESH = {
  D: 3,
  Dlo: 2,
  Dhi: 5,
  /** Peers kept by score when an oversubscribed mesh is pruned (at most D). */
  Dscore: 1,
  /** Outbound peers the mesh must hold (below Dlo and at most D/2): one connection this node chose itself. */
  Dout: 1,
  Dlazy: 3
}
