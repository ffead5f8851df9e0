import type { PeerId, Stream } from '@libp2p/interface'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'
import { randomBytes } from '@noble/hashes/utils.js'
import { CocoonError, isErrorCode, toCocoonError } from '../common/errors.js'
import { traceMark } from '../common/trace.js'
import { wireBytes } from '../common/bytes.js'
import { FrameStream } from '../common/frames.js'
import { SealPreparer, sealJob, type ClientSession } from '../seal/index.js'
import { codecs } from './codecs.js'
import { CHUNK_IDLE_TIMEOUT_MS, FIRST_CHUNK_TIMEOUT_MS, JOB_ID_BYTES, JOB_PROTOCOL, MAX_FRAME_BYTES, PRESEALED_ATTEMPT, REQUEST_TIMEOUT_MS } from './constants.js'
import { ChunkPayload, JobPayload, type ModelSummary, type RouteRequest, type Usage } from './gen/messages.js'
import type { KnownWorker, KnownWorkers } from './known-workers.js'
import { ChunkTranscript, checkFinal } from './transcript.js'

/** What the client checks before it seals anything to a worker: certificate valid, anchored, for that peer. */
export type OfferVerifier = (offer: { worker: PeerId, certificate: Uint8Array, collateral: Uint8Array }, signal: AbortSignal) => Promise<{ sealKey: Uint8Array }>

export interface JobRequest {
  model: string
  messages?: Array<{ role: string, content: string }>
  prompt?: string
  maxTokens: number
  temperature?: number
  topP?: number
  /** Always set by the client (random when the caller gave none) so a failover can replay the same answer. */
  seed: number
  stop?: string[]
  maxPriceNanoPerToken?: bigint
}

export type JobEvent =
  /** presealed: the job went sealed with the route to a worker offered earlier (no offer round trip). */
  | { type: 'offer', worker: string, attempt: number, priceNanoPerToken: bigint, presealed: boolean }
  | { type: 'token', text: string }
  | { type: 'done', finishReason: string, usage: Usage, worker: string, priceNanoPerToken: bigint }

export interface RunJobOptions {
  /** Opens a job stream to the proxy; it must give up on its own within a bounded time (libp2p's does). */
  dialProtocol: (peer: PeerId, protocol: string, options?: { signal?: AbortSignal }) => Promise<Stream>
  proxy: PeerId
  verify: OfferVerifier
  signal?: AbortSignal
  /** Text the caller already has from an earlier try of the same job (same seed) through another proxy. */
  resumeFrom?: string
  /** Workers proxies offered before: the job is sealed to one of them up front, saving the offer round trip. */
  known?: KnownWorkers
}

/**
 * Runs one job through a proxy and yields its answer as it streams. Each offer's certificate is verified and the
 * job sealed to that worker's key; on failover the proxy offers another worker and the job is sealed again. The
 * replacement runs the same request with the same seed, so its answer repeats what was already delivered; that
 * prefix is checked and swallowed, and only new text is yielded. A divergent replay fails with WORKER_LOST.
 */
/**
 * Ephemeral keys agreed ahead with the workers this process seals to, each with a job id and its keys for a
 * pre-sealed job: no X25519 and no key derivation on the way to the first token.
 */
const sealPreparer = new SealPreparer({ jobIdBytes: JOB_ID_BYTES, attempt: PRESEALED_ATTEMPT })

export async function * runJob (req: JobRequest, opts: RunJobOptions): AsyncGenerator<JobEvent> {
  traceMark('client.start')
  const signal = opts.signal ?? new AbortController().signal
  let stream: Stream
  try {
    // The light client hands out an already negotiated stream here (WarmStreams): no round trip before the route.
    // No deadline of our own: a dial is bounded by the dialler (the light client's by REQUEST_TIMEOUT_MS, libp2p's
    // by its dial and protocol negotiation timeouts), and making one here cost cold code on every job's way.
    stream = await opts.dialProtocol(opts.proxy, JOB_PROTOCOL, { signal })
  } catch (err) {
    if (signal.aborted) throw new CocoonError('CANCELLED', 'cancelled')
    throw new CocoonError('NO_CAPACITY', `cannot reach proxy ${opts.proxy.toString()}: ${(err as Error).message}`, { proxyUnreachable: true })
  }
  const frames = new FrameStream(stream, { maxFrameBytes: MAX_FRAME_BYTES, readTimeoutMs: REQUEST_TIMEOUT_MS })
  const onAbort = (): void => {
    void frames.write(codecs.client, { cancel: { reason: 'cancelled by client' } }, { timeoutMs: 500 }).catch(() => {})
      .finally(() => frames.abort(new CocoonError('CANCELLED', 'cancelled by client')))
  }
  signal.addEventListener('abort', onAbort, { once: true })
  // Sealed per worker: each names the next agreement ready for that worker, so the worker can prepare it.
  const payloadFor = (sealKey: Uint8Array, next = sealPreparer.upcoming(sealKey)): Uint8Array => JobPayload.encode({
    model: req.model,
    messages: (req.messages ?? []).map(m => ({ role: m.role, content: m.content })),
    prompt: req.prompt,
    maxTokens: req.maxTokens,
    temperature: req.temperature,
    topP: req.topP,
    seed: req.seed,
    stop: req.stop ?? [],
    next: next == null ? undefined : { ephemeralKey: wireBytes(next.ephemeralKey), jobId: wireBytes(next.jobId) }
  })
  let delivered = opts.resumeFrom ?? ''
  let endInFlight = (): void => {}
  let finished = false
  try {
    const route: RouteRequest = { model: req.model, maxTokens: req.maxTokens, maxPriceNanoPerToken: req.maxPriceNanoPerToken ?? 0n }
    // Fast path: seal to a worker a proxy offered before and send the job with the route; no offer round trip.
    const fast = await presealToKnownWorker(req, payloadFor, opts, signal)
    if (fast != null) {
      route.preferredWorker = wireBytes(fast.worker.worker.toMultihash().bytes)
      route.sealed = { jobId: wireBytes(fast.jobId), attempt: PRESEALED_ATTEMPT, ephemeralKey: wireBytes(fast.sealed.sealed.ephemeralKey), ciphertext: wireBytes(fast.sealed.sealed.ciphertext), model: req.model, maxTokens: req.maxTokens }
    }
    traceMark('client.sending')
    await frames.write(codecs.client, { route })
    let session: ClientSession | undefined
    let current: { worker: PeerId, priceNanoPerToken: bigint, jobId: Uint8Array, attempt: number } | undefined
    let produced = ''
    let sealedEnd: ChunkPayload | undefined
    let transcript = new ChunkTranscript()
    while (true) {
      const frame = await frames.read(codecs.proxy, { timeoutMs: session == null ? REQUEST_TIMEOUT_MS + FIRST_CHUNK_TIMEOUT_MS : CHUNK_IDLE_TIMEOUT_MS + FIRST_CHUNK_TIMEOUT_MS, signal })
      if (frame.accepted != null) {
        if (fast == null || current != null) throw new CocoonError('BAD_REQUEST', 'proxy accepted a job that was not pre-sealed')
        session = fast.sealed.session
        current = { worker: fast.worker.worker, priceNanoPerToken: frame.accepted.priceNanoPerToken, jobId: fast.jobId, attempt: PRESEALED_ATTEMPT }
        opts.known?.accepted(req.model, fast.worker.worker, frame.accepted.priceNanoPerToken)
        endInFlight = opts.known?.begin(req.model, fast.worker.worker) ?? endInFlight
        yield { type: 'offer', worker: fast.worker.worker.toString(), attempt: PRESEALED_ATTEMPT, priceNanoPerToken: frame.accepted.priceNanoPerToken, presealed: true }
      } else if (frame.offer != null) {
        const offer = frame.offer
        // The pre-sealed worker was passed over or lost: seal to the proxy's choice from now on.
        if (fast != null) opts.known?.forget(req.model, fast.worker.worker)
        endInFlight()
        const worker = peerIdFromMultihash(Digest.decode(offer.workerPeerId))
        const { sealKey } = await opts.verify({ worker, certificate: offer.certificate, collateral: offer.collateral }, signal)
        const agreement = sealPreparer.take(sealKey)
        const sealed = sealJob({ workerSealKey: sealKey, jobId: offer.jobId, attempt: offer.attempt, plaintext: payloadFor(sealKey) }, agreement)
        session = sealed.session
        current = { worker, priceNanoPerToken: offer.priceNanoPerToken, jobId: offer.jobId, attempt: offer.attempt }
        opts.known?.remember(req.model, { worker, certificate: offer.certificate, collateral: offer.collateral, priceNanoPerToken: offer.priceNanoPerToken })
        endInFlight = opts.known?.begin(req.model, worker) ?? (() => {})
        produced = ''
        sealedEnd = undefined
        transcript = new ChunkTranscript()
        yield { type: 'offer', worker: worker.toString(), attempt: offer.attempt, priceNanoPerToken: offer.priceNanoPerToken, presealed: false }
        await frames.write(codecs.client, { job: { jobId: offer.jobId, attempt: offer.attempt, ephemeralKey: wireBytes(sealed.sealed.ephemeralKey), ciphertext: wireBytes(sealed.sealed.ciphertext), model: req.model, maxTokens: req.maxTokens } })
      } else if (frame.chunk != null) {
        if (session == null) throw new CocoonError('BAD_REQUEST', 'proxy sent a chunk before an offer')
        const plain = ChunkPayload.decode(session.openChunk({ seq: Number(frame.chunk.seq), ciphertext: frame.chunk.ciphertext }, frame.chunk.final))
        transcript.add(frame.chunk.ciphertext)
        if (frame.chunk.seq === 0n) traceMark('client.firstChunk')
        // The final chunk carries the finish reason and usage, and may carry the last text.
        if (frame.chunk.final) sealedEnd = plain
        if (plain.text === '') continue
        produced += plain.text
        const fresh = takeFresh(delivered, produced)
        if (fresh !== '') {
          delivered += fresh
          yield { type: 'token', text: fresh }
        }
      } else if (frame.final != null) {
        traceMark('client.finalReceived')
        if (current == null || sealedEnd == null) throw new CocoonError('INTEGRITY', 'job ended without the sealed final chunk', { reason: 'TRUNCATED' })
        const usage = sealedEnd.usage ?? { promptTokens: 0, completionTokens: 0 }
        const clear = frame.final.usage ?? { promptTokens: 0, completionTokens: 0 }
        if (clear.promptTokens !== usage.promptTokens || clear.completionTokens !== usage.completionTokens) {
          throw new CocoonError('INTEGRITY', 'usage in the clear differs from the sealed usage', { reason: 'TAMPERED' })
        }
        await checkFinal(current.worker, current.jobId, current.attempt, clear, frame.final.outputHash, frame.final.workerSignature, transcript)
        if (produced.length < delivered.length) throw new CocoonError('WORKER_LOST', 'replacement worker ended before the answer already delivered')
        finished = true
        traceMark('client.done')
        yield { type: 'done', finishReason: sealedEnd.finishReason, usage, worker: current.worker.toString(), priceNanoPerToken: current.priceNanoPerToken }
        return
      } else if (frame.error != null) {
        const code = isErrorCode(frame.error.code) ? frame.error.code : 'INTERNAL'
        throw new CocoonError(code, frame.error.message, { remote: true })
      } else {
        throw new CocoonError('MALFORMED', 'proxy sent an empty frame')
      }
    }
  } catch (err) {
    if (signal.aborted) throw new CocoonError('CANCELLED', 'cancelled by client')
    const e = toCocoonError(err)
    // The proxy vanished mid-job: the client may retry elsewhere. Data says whether anything was delivered.
    if (e.code === 'MALFORMED' && (e.data?.reason === 'STREAM_RESET' || e.data?.reason === 'STREAM_CLOSED' || e.data?.reason === 'TRUNCATED')) {
      throw new CocoonError('WORKER_LOST', `proxy stream broke: ${e.message}`, { proxyLost: true, delivered: delivered.length })
    }
    throw e
  } finally {
    endInFlight()
    signal.removeEventListener('abort', onAbort)
    // After Final the stream is spent; its teardown (a reset frame, close events, the warm pool's bookkeeping) is
    // left for after the caller has the answer's end. Any other way out tears it down at once.
    if (finished) setImmediate(() => { frames.abort(new CocoonError('CANCELLED', 'job over')) })
    else frames.abort(new CocoonError('CANCELLED', 'job over'))
  }
}

/**
 * Seals the job to the known worker the fast path picks, after verifying its certificate again (a cache hit in
 * the verifier). A worker whose certificate no longer verifies is forgotten and the job takes the usual path.
 */
async function presealToKnownWorker (req: JobRequest, payloadFor: (sealKey: Uint8Array) => Uint8Array, opts: RunJobOptions, signal: AbortSignal): Promise<{ worker: KnownWorker, jobId: Uint8Array, sealed: SealedJobWithSession } | undefined> {
  const worker = opts.known?.pick(req.model)
  if (worker == null) return undefined
  const maxPrice = req.maxPriceNanoPerToken ?? 0n
  if (maxPrice > 0n && worker.priceNanoPerToken > maxPrice) return undefined
  let sealKey: Uint8Array
  try {
    ({ sealKey } = await opts.verify({ worker: worker.worker, certificate: worker.certificate, collateral: worker.collateral }, signal))
  } catch {
    if (signal.aborted) throw new CocoonError('CANCELLED', 'cancelled')
    opts.known?.forget(req.model, worker.worker)
    return undefined
  }
  // The job id drawn with the agreement comes with its session keys already derived: sealing is one encryption.
  const agreement = sealPreparer.take(sealKey)
  const jobId = agreement.prepared?.jobId ?? randomBytes(JOB_ID_BYTES)
  return { worker, jobId, sealed: sealJob({ workerSealKey: sealKey, jobId, attempt: PRESEALED_ATTEMPT, plaintext: payloadFor(sealKey) }, agreement) }
}

type SealedJobWithSession = ReturnType<typeof sealJob>

/**
 * Given what the user already has and what the current worker has produced, returns the new text to deliver.
 * A replacement worker's output must start with what was delivered before; anything else is a divergence.
 */
export function takeFresh (delivered: string, produced: string): string {
  if (produced.length <= delivered.length) {
    if (!delivered.startsWith(produced)) throw new CocoonError('WORKER_LOST', 'replacement worker produced a different answer; cannot resume')
    return ''
  }
  if (!produced.startsWith(delivered)) throw new CocoonError('WORKER_LOST', 'replacement worker produced a different answer; cannot resume')
  return produced.slice(delivered.length)
}

/** Asks a proxy which models the network serves right now (from its capacity table). */
export async function listModels (opts: Omit<RunJobOptions, 'verify'>): Promise<ModelSummary[]> {
  const stream = await opts.dialProtocol(opts.proxy, JOB_PROTOCOL, { signal: opts.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
  const frames = new FrameStream(stream, { maxFrameBytes: MAX_FRAME_BYTES, readTimeoutMs: REQUEST_TIMEOUT_MS })
  try {
    await frames.write(codecs.client, { models: {} })
    const frame = await frames.read(codecs.proxy, { signal: opts.signal })
    if (frame.error != null) throw new CocoonError(isErrorCode(frame.error.code) ? frame.error.code : 'INTERNAL', frame.error.message)
    if (frame.models == null) throw new CocoonError('MALFORMED', 'expected a models response')
    return frame.models.models
  } finally {
    frames.abort(new CocoonError('CANCELLED', 'done'))
  }
}
