/** Tunables of the job protocols, with their defaults and why. */

/** client <-> proxy */
export const JOB_PROTOCOL = '/cocoon/job/1.0.0'
/** proxy <-> worker */
export const WORK_PROTOCOL = '/cocoon/work/1.0.0'

/** Largest frame either protocol accepts. A job (sealed prompt) is the largest message. @default 1 MiB */
export const MAX_FRAME_BYTES = 1024 * 1024

/** Deadline for a request frame (route, sealed job, work request) once a stream is open. @default 10 s */
export const REQUEST_TIMEOUT_MS = 10_000

/** Deadline for the first chunk of an answer: covers a model's prompt processing. @default 60 s */
export const FIRST_CHUNK_TIMEOUT_MS = 60_000

/** Deadline between two chunks of a running answer; a silent worker counts as lost. @default 15 s */
export const CHUNK_IDLE_TIMEOUT_MS = 15_000

/**
 * How long a worker holds tokens after sending a chunk, so that tokens arriving meanwhile share the next chunk.
 * The first token is never held, and a model slower than one token per CHUNK_COALESCE_MS (50 tokens/s) is never
 * delayed. Every chunk costs a seal, a frame, a relay hop, an open, and on each hop a socket write that wakes the
 * next process; on the worker that work shares a core with the engine's decoding. Measured on the 2-core bench
 * machine with the worker on a core of its own (bench/README.md), the network path streamed at 0.84-0.89 of the
 * engine's own speed with 8 ms, 0.83-0.95 with 16 ms and 0.98-1.05 with 20-24 ms. 20 ms keeps a reader's view at
 * 50 updates a second, smoother than the eye follows text. @default 20 ms
 */
export const CHUNK_COALESCE_MS = 20

/** Workers the proxy tries for one job before giving up with WORKER_LOST. @default 3 */
export const MAX_ATTEMPTS = 3

/**
 * How long a job waits at the proxy for a slot when every worker serving its model is busy, before NO_CAPACITY.
 * Short bursts queue instead of failing; a network that stays full answers quickly. @default 5 s
 */
export const SLOT_WAIT_MS = 5_000

/** Jobs one client may have running at a proxy at once. @default 16 */
export const CLIENT_MAX_CONCURRENT = 16

/** Jobs one client may start per second at a proxy, sustained (token bucket). @default 20 */
export const CLIENT_RATE_PER_SECOND = 20

/** Burst size of that bucket. @default 40 */
export const CLIENT_RATE_BURST = 40

/** Streams per connection on each job protocol, inbound and outbound (libp2p's default of 64 capped a worker at 64 jobs per proxy). @default 1024 */
export const MAX_INBOUND_STREAMS = 1024

/** Bytes of random job id. @default 16 */
export const JOB_ID_BYTES = 16

/** The attempt number of a job the client sealed before any offer (the fast path); the proxy's offers count on from there. */
export const PRESEALED_ATTEMPT = 1

/** Largest prompt text (all messages together) a client may send. @default 256 KiB */
export const MAX_PROMPT_BYTES = 256 * 1024

/**
 * How long a client keeps sealing jobs straight to a worker a proxy offered it (the fast path, one round trip
 * less to the first token) after a proxy last offered that worker. Short enough that the proxy's own choice
 * (load, speed, price, workers that joined since) is asked again every minute. @default 60 s
 */
export const KNOWN_WORKER_TTL_MS = 60_000

/** Workers a client remembers per model for the fast path; its concurrent jobs spread over them. @default 4 */
export const KNOWN_WORKERS_PER_MODEL = 4

/**
 * Client frames a proxy holds that it has not yet read (see FrameQueue). A job needs one at a time (the sealed job
 * after an offer, a Cancel); the rest of the room is for frames the protocol may add (payment receipts).
 * @default 4
 */
export const MAX_QUEUED_FRAMES = 4
