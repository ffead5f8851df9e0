import type { Connection, PeerId, Startable, Stream } from '@libp2p/interface'
import { StartingJobs } from '../common/quiet.js'
import { equals as sameBytes } from 'uint8arrays/equals'
import { randomBytes } from '@noble/hashes/utils.js'
import type { Logger } from 'pino'
import { drawCandidate, rankWorkers, SELECTION, selectWorker, servesModel, WorkerStats, type AttemptObservation, type CapacityTable, type Candidate, type SelectionRequest } from '../capacity/index.js'
import { CocoonError, toCocoonError } from '../common/errors.js'
import { traceMark } from '../common/trace.js'
import { wireBytes } from '../common/bytes.js'
import { FrameStream } from '../common/frames.js'
import { codecs } from './codecs.js'
import {
  JOB_ID_BYTES, JOB_PROTOCOL, MAX_ATTEMPTS, MAX_FRAME_BYTES,
  MAX_INBOUND_STREAMS, PRESEALED_ATTEMPT, REQUEST_TIMEOUT_MS, SLOT_WAIT_MS, WORK_PROTOCOL
} from './constants.js'
import { WarmStreams } from '../common/warm-streams.js'
import { PeerIdCache } from '../common/peer-ids.js'
import { FrameQueue } from './frame-queue.js'
import { ClientLimits } from './limits.js'
import type { ClientFrame, RouteRequest, SealedJob } from './gen/messages.js'
import { summariseModels } from './models-summary.js'
import { relayAttempt, type RelayOptions } from './proxy-relay.js'
import { validatePresealed, validateRoute } from './route-request.js'
import { silentLogger } from '../common/silent-logger.js'

/** How often a waiting job looks for a free slot again. */
const SLOT_POLL_MS = 50

export interface ProxyServiceComponents {
  handle: (protocol: string, handler: (stream: Stream, connection: Connection) => void | Promise<void>, options?: { maxInboundStreams?: number }) => Promise<void>
  unhandle: (protocol: string) => Promise<void>
  dialProtocol: (peer: PeerId, protocol: string, options?: { signal?: AbortSignal, maxOutboundStreams?: number }) => Promise<Stream>
}

export interface ProxyServiceInit {
  table: CapacityTable
  /** The worker's certificate and collateral, already verified by this proxy; throws ATTESTATION if refused. */
  certificateFor: (worker: PeerId, signal: AbortSignal) => Promise<{ certificate: Uint8Array, collateral: Uint8Array }>
  limits?: ClientLimits
  stats?: WorkerStats
  random?: () => number
  logger?: Logger
}

/** Counters for status and metrics; sizes and outcomes only, never content. */
export interface ProxyCounters {
  jobs: number
  completed: number
  failed: number
  failovers: number
  bytesRelayed: number
}

/**
 * The proxy end of `/cocoon/job/1.0.0`: admits the client, picks a worker, offers its certificate, forwards the
 * sealed job on `/cocoon/work/1.0.0`, and relays sealed chunks back. It never has a key that opens them. If the
 * worker's stream breaks before `Final`, it offers another worker on the same client stream (the client re-seals).
 */
export class ProxyService implements Startable {
  readonly stats: WorkerStats
  readonly counters: ProxyCounters = { jobs: 0, completed: 0, failed: 0, failovers: 0, bytesRelayed: 0 }
  private readonly components: ProxyServiceComponents
  private readonly init: ProxyServiceInit
  private readonly limits: ClientLimits
  private readonly log: Logger
  /** One negotiated work stream per recently used worker, so a job does not wait for a stream to open. */
  private readonly workStreams: WarmStreams
  /** Jobs forwarded whose first chunk has not come yet. */
  private readonly starting = new StartingJobs()
  /** Workers' ids as PeerIds, parsed once each: the clients' preferred workers (multihash) and the picks (string). */
  private readonly peerIds = new PeerIdCache()
  private sweepTimer?: ReturnType<typeof setInterval>

  constructor (components: ProxyServiceComponents, init: ProxyServiceInit) {
    this.components = components
    this.init = init
    this.limits = init.limits ?? new ClientLimits()
    this.stats = init.stats ?? new WorkerStats()
    this.log = init.logger ?? silentLogger
    this.workStreams = new WarmStreams({
      protocol: WORK_PROTOCOL,
      dial: async (peer, protocol, options) => await components.dialProtocol(peer, protocol, { ...options, maxOutboundStreams: MAX_INBOUND_STREAMS }),
      // the worker waits REQUEST_TIMEOUT_MS for the job on a new stream
      maxIdleMs: REQUEST_TIMEOUT_MS / 2,
      jobStarting: this.starting.any
    })
  }

  async start (): Promise<void> {
    await this.components.handle(JOB_PROTOCOL, (stream, connection) => { void this.serve(stream, connection) }, { maxInboundStreams: MAX_INBOUND_STREAMS })
    this.sweepTimer = setInterval(() => this.limits.sweep(), 60_000)
    this.sweepTimer.unref?.()
  }

  async stop (): Promise<void> {
    clearInterval(this.sweepTimer)
    this.workStreams.stop()
    await this.components.unhandle(JOB_PROTOCOL)
  }

  private async serve (stream: Stream, connection: Connection): Promise<void> {
    const client = new FrameStream(stream, { maxFrameBytes: MAX_FRAME_BYTES, readTimeoutMs: REQUEST_TIMEOUT_MS })
    const clientId = connection.remotePeer.toString()
    let release: (() => void) | undefined
    try {
      // A stream closed before its first frame asked for nothing (a client's warm stream it no longer needs).
      const first = await client.readOrEnd(codecs.client)
      if (first === undefined) {
        await client.closeWrite().catch(() => {})
        return
      }
      if (first.models != null) {
        await client.write(codecs.proxy, { models: { models: summariseModels(this.init.table.list()) } })
        await client.closeWrite()
        return
      }
      if (first.route == null) throw new CocoonError('BAD_REQUEST', 'expected a route request')
      traceMark('proxy.received')
      validateRoute(first.route)
      const admitted = this.limits.admit(clientId)
      if (!admitted.ok) throw new CocoonError('RATE_LIMITED', admitted.reason)
      release = admitted.release
      this.counters.jobs++
      await this.route(client, first.route)
      this.counters.completed++
    } catch (err) {
      const e = toCocoonError(err)
      this.counters.failed++
      this.log.info({ client: clientId, code: e.code, err: e.message }, 'job ended with an error')
      try {
        await client.write(codecs.proxy, { error: { code: e.code, message: e.message } }, { timeoutMs: 2000 })
        await client.closeWrite()
      } catch {
        client.abort(e)
      }
    } finally {
      release?.()
    }
  }

  private async route (client: FrameStream, route: RouteRequest): Promise<void> {
    const presealed = route.sealed != null ? validatePresealed(route, this.peerIds) : undefined
    const jobId = presealed?.job.jobId ?? randomBytes(JOB_ID_BYTES)
    const exclude = new Set<string>()
    const queue = new FrameQueue<ClientFrame>(client, codecs.client, f => f.cancel != null)
    const request = { model: route.model, maxPriceNanoPerToken: route.maxPriceNanoPerToken, exclude }
    let lastError: CocoonError | undefined
    // Wire attempt numbers: 1 is the client's pre-sealed job (if any), offers count on from there.
    let attempt = presealed != null ? PRESEALED_ATTEMPT : 0
    let tries = 0
    let picked: Candidate | undefined
    if (presealed != null) {
      const choice = this.choosePresealed(presealed.worker, request)
      if (choice.accept != null) {
        tries++
        const result = await this.attempt(client, queue, choice.accept, jobId, attempt, route, exclude, presealed.job)
        if (result === 'done') return
        lastError = result
      } else {
        picked = choice.instead
      }
    }
    while (tries < MAX_ATTEMPTS) {
      if (queue.ended.signal.aborted) throw queue.endReason
      picked ??= this.pick(request)
      // A worker that answered NO_CAPACITY was only busy: wait for a slot elsewhere, as when every worker is busy.
      const onlyBusy = lastError == null || lastError.code === 'NO_CAPACITY'
      if (picked == null && onlyBusy && this.serves(route.model)) picked = await this.waitForSlot(request, queue.ended.signal)
      if (picked == null) {
        if (queue.ended.signal.aborted) throw queue.endReason
        if (!onlyBusy) throw new CocoonError('WORKER_LOST', `no worker left for the job after ${tries} attempt(s): ${lastError?.message ?? 'unknown'}`)
        if (!this.serves(route.model)) throw new CocoonError('UNKNOWN_MODEL', `no worker in this network serves ${route.model}`)
        throw new CocoonError('NO_CAPACITY', `every worker serving ${route.model} is busy or above the price limit`)
      }
      attempt++
      tries++
      // A failover is a retry after a worker failed, not a proxy's own pick after passing over a pre-sealed one.
      if (lastError != null) this.counters.failovers++
      const result = await this.attempt(client, queue, picked, jobId, attempt, route, exclude)
      if (result === 'done') return
      lastError = result
      picked = undefined
    }
    if (lastError?.code === 'NO_CAPACITY') throw new CocoonError('NO_CAPACITY', `${MAX_ATTEMPTS} workers were busy: ${lastError.message}`)
    throw new CocoonError('WORKER_LOST', `job failed on ${MAX_ATTEMPTS} workers: ${lastError?.message ?? 'unknown'}`)
  }

  /**
   * Whether to run a pre-sealed job on the client's preferred worker. The proxy draws its own pick as for any job;
   * the preferred worker stands if it is that pick or scores at least SELECTION.presealedMinScoreRatio of it (live,
   * admitted through the table, a free slot and within the price are implied by being ranked at all). Otherwise
   * the job goes to the proxy's pick, offered as usual.
   *
   * A pick this proxy has never sent a job to is offered even when the preferred worker scores as well: a client
   * pre-seals to the workers it already knows, so with the fast path alone a worker that joined later got no job
   * from a client that kept its known worker busy one job at a time (a failed CI run: two new workers ran nothing in
   * 90 s). Each new worker costs the fast path one job per proxy, after which it competes on its record.
   */
  private choosePresealed (preferredId: string, request: SelectionRequest): { accept?: Candidate, instead?: Candidate } {
    const ranked = rankWorkers(this.init.table.list(), request, p => this.stats.observe(p))
    const own = drawCandidate(ranked, this.init.random)
    const preferred = ranked.find(c => c.entry.peerId === preferredId)
    if (preferred == null || own == null) return { instead: own }
    if (own === preferred) return { accept: preferred }
    if (!this.stats.tried(own.entry.peerId)) return { instead: own }
    if (preferred.score >= SELECTION.presealedMinScoreRatio * own.score) return { accept: preferred }
    return { instead: own }
  }

  /** Whether any live worker serves the model at all (busy or not). */
  private serves (model: string): boolean {
    return this.init.table.list().some(e => servesModel(e.announcement, model))
  }

  private pick (request: SelectionRequest): Candidate | undefined {
    return selectWorker(this.init.table.list(), request, p => this.stats.observe(p), this.init.random)
  }

  /** Every serving worker is busy: wait (up to SLOT_WAIT_MS) for one to free a slot, as a short queue. */
  private async waitForSlot (request: SelectionRequest, clientGone: AbortSignal): Promise<Candidate | undefined> {
    const deadline = Date.now() + SLOT_WAIT_MS
    while (Date.now() < deadline && !clientGone.aborted) {
      await new Promise(resolve => setTimeout(resolve, SLOT_POLL_MS))
      const picked = this.pick(request)
      if (picked != null) return picked
    }
    return undefined
  }

  /**
   * One attempt on one worker, counted in its stats. The worker is left out of the job's later attempts. An attempt
   * that returns an error failed through the worker; one that throws ended through the client (gone, cancelled, a
   * bad or late job) or this proxy, and does not count against the worker.
   */
  private async attempt (client: FrameStream, queue: FrameQueue<ClientFrame>, picked: Candidate, jobId: Uint8Array, attempt: number, route: RouteRequest, exclude: Set<string>, presealed?: SealedJob): Promise<'done' | CocoonError> {
    const workerId = picked.entry.peerId
    const worker = this.peerIds.fromString(workerId)
    exclude.add(workerId)
    // Counted as in flight from the moment it is picked, so a burst of jobs does not all pick the same worker.
    this.stats.begin(workerId)
    const outcome: AttemptObservation = {}
    let result: 'done' | CocoonError
    try {
      result = presealed != null
        ? await this.forwardPresealed(client, queue, worker, picked.price, presealed, outcome)
        : await this.offerAndForward(client, queue, worker, picked.price, jobId, attempt, route, outcome)
      // A busy worker (NO_CAPACITY) only announced a slot it no longer had: no failure, but not a success either.
      if (result !== 'done' && result.code !== 'NO_CAPACITY') outcome.ok = false
    } finally {
      this.stats.end(workerId, outcome)
    }
    if (result !== 'done') {
      this.workStreams.forget(worker)
      this.log.warn({ worker: workerId, attempt, err: result.message }, 'worker lost; failing over')
    }
    return result
  }

  /**
   * The fast path: the client sealed the job to this worker before asking. Forwarded at once; this proxy's admission
   * check of the worker (cached) runs once the job has left, and only then is the job confirmed to the client with
   * `Accepted`, so neither is on the path to the first token. A worker that fails the check gets no further: its
   * stream is aborted before any of its answer is read, and the job fails over as from a lost worker. Nothing
   * leaks by forwarding first: the client sealed the job to that worker itself, after verifying its certificate.
   */
  private async forwardPresealed (client: FrameStream, queue: FrameQueue<ClientFrame>, worker: PeerId, price: bigint, job: SealedJob, outcome: AttemptObservation): Promise<'done' | CocoonError> {
    const dialing = this.takeWorkStream(worker, queue)
    return await this.forward(client, queue, dialing, job, outcome, async () => {
      try {
        await this.init.certificateFor(worker, requestDeadline(queue))
      } catch (err) {
        const e = toCocoonError(err)
        if (queue.ended.signal.aborted) throw e
        this.log.warn({ worker: worker.toString(), err: e.message }, 'pre-sealed worker not admitted')
        return e
      }
      await client.write(codecs.proxy, { accepted: { priceNanoPerToken: price } })
      return undefined
    })
  }

  /**
   * The usual path: offer the worker's certificate, take the client's sealed job, forward it, relay the answer.
   * Returns 'done' when Final (or the worker's own error, passed on as is) reached the client, or the error to
   * fail over on when the worker could not be offered or reached, or its stream broke.
   */
  private async offerAndForward (client: FrameStream, queue: FrameQueue<ClientFrame>, worker: PeerId, price: bigint, jobId: Uint8Array, attempt: number, route: RouteRequest, outcome: AttemptObservation): Promise<'done' | CocoonError> {
    try {
      const cert = await this.init.certificateFor(worker, requestDeadline(queue))
      await client.write(codecs.proxy, { offer: { jobId: wireBytes(jobId), attempt, workerPeerId: worker.toMultihash().bytes, certificate: wireBytes(cert.certificate), collateral: wireBytes(cert.collateral), priceNanoPerToken: price } })
    } catch (err) {
      const e = toCocoonError(err)
      if (queue.ended.signal.aborted) throw e
      this.log.warn({ worker: worker.toString(), err: e.message }, 'worker not offered')
      return e
    }
    // Take the worker stream (warm, or opened now) while the client verifies the offer and seals the job.
    const dialing = this.takeWorkStream(worker, queue)
    let frame: ClientFrame
    try {
      frame = await queue.next(REQUEST_TIMEOUT_MS, 'sealed job')
    } catch (err) {
      void dialing.then(stream => stream.abort(new CocoonError('CANCELLED', 'no job came')), () => {})
      throw err
    }
    const job = frame.job
    if (job == null || job.attempt !== attempt || !sameBytes(job.jobId, jobId) || job.model !== route.model) {
      void dialing.then(stream => stream.abort(new CocoonError('BAD_REQUEST', 'bad job')), () => {})
      if (job != null && job.model !== route.model) throw new CocoonError('BAD_REQUEST', 'sealed job names another model than the route')
      throw new CocoonError('BAD_REQUEST', 'expected the sealed job for the offered attempt')
    }
    return await this.forward(client, queue, dialing, job, outcome)
  }

  /** The worker's work stream, warm or dialled now; awaited in `forward` (or aborted when no job comes). */
  private takeWorkStream (worker: PeerId, queue: FrameQueue<ClientFrame>): Promise<Stream> {
    const dialing = this.workStreams.take(worker, () => requestDeadline(queue))
    dialing.catch(() => {}) // an unused dial must not become an unhandled rejection
    return dialing
  }

  /** Sends the sealed job on the worker stream and relays the answer to the client until Final or an error. */
  private async forward (client: FrameStream, queue: FrameQueue<ClientFrame>, dialing: Promise<Stream>, job: SealedJob, outcome: AttemptObservation, afterSend?: RelayOptions['afterSend']): Promise<'done' | CocoonError> {
    // Until its first chunk, this job holds the proxy's background work (common/quiet.ts).
    const firstChunk = this.starting.begin()
    try {
      return await relayAttempt(client, queue, dialing, job, outcome, { counters: this.counters, firstChunk, afterSend })
    } finally {
      firstChunk()
    }
  }

}

/** A request to a worker ends when the client goes or after REQUEST_TIMEOUT_MS, whichever is first. */
function requestDeadline (queue: FrameQueue<ClientFrame>): AbortSignal {
  return AbortSignal.any([queue.ended.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)])
}
