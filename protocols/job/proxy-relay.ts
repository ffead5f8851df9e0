/**
 * The proxy's relay of one attempt (ProxyService.forward): the sealed job goes to the worker on its work stream,
 * and the sealed answer comes back to the client frame by frame until Final, an error, or a broken stream. The
 * proxy holds no key that opens any of it.
 */
import type { Stream } from '@libp2p/interface'
import { streamingSpeed, type AttemptObservation } from '../capacity/index.js'
import { CocoonError, toCocoonError } from '../common/errors.js'
import { traceMark } from '../common/trace.js'
import { FrameStream } from '../common/frames.js'
import { codecs } from './codecs.js'
import { CHUNK_IDLE_TIMEOUT_MS, FIRST_CHUNK_TIMEOUT_MS, MAX_FRAME_BYTES } from './constants.js'
import type { FrameQueue } from './frame-queue.js'
import type { ClientFrame, Final, SealedChunk, SealedJob } from './gen/messages.js'
import type { ProxyCounters } from './proxy-service.js'

/** Most chunks relayed in one send to the client. */
const RELAY_BATCH_MAX = 64

export interface RelayOptions {
  counters: ProxyCounters
  /** Called at the first chunk from the worker. */
  firstChunk: () => void
  /**
   * Run once the job is on its way to the worker, before any of the answer is read (the fast path's admission
   * check and `Accepted`). An error it returns ends the attempt as the worker's failure: its stream is aborted.
   */
  afterSend?: () => Promise<CocoonError | undefined>
}

/** Sends the sealed job on the worker stream and relays the answer to the client until Final or an error. */
export async function relayAttempt (client: FrameStream, queue: FrameQueue<ClientFrame>, dialing: Promise<Stream>, job: SealedJob, outcome: AttemptObservation, opts: RelayOptions): Promise<'done' | CocoonError> {
  const { counters, firstChunk, afterSend } = opts
  const started = performance.now()
  let firstChunkAt: number | undefined
  let work: FrameStream
  try {
    work = new FrameStream(await dialing, { maxFrameBytes: MAX_FRAME_BYTES, readTimeoutMs: CHUNK_IDLE_TIMEOUT_MS })
    traceMark('proxy.forwarding')
    await work.write(codecs.workRequest, { job })
  } catch (err) {
    if (queue.ended.signal.aborted) throw queue.endReason
    return new CocoonError('WORKER_LOST', `cannot reach worker: ${(err as Error).message}`)
  }
  // The client going away (or cancelling) must stop the worker at once, including when it went while the job
  // was being forwarded (an abort listener added after the abort never fires).
  const onClientGone = (): void => { void work.write(codecs.workRequest, { cancel: { reason: 'client cancelled' } }, { timeoutMs: 1000 }).catch(() => {}).finally(() => work.abort(new CocoonError('CANCELLED', 'client went away'))) }
  queue.ended.signal.addEventListener('abort', onClientGone, { once: true })
  if (queue.ended.signal.aborted) onClientGone()
  try {
    const refused = await afterSend?.()
    if (refused != null) return refused
    while (true) {
      let frame
      try {
        frame = await work.read(codecs.work, { timeoutMs: outcome.firstTokenMs == null ? FIRST_CHUNK_TIMEOUT_MS : CHUNK_IDLE_TIMEOUT_MS })
      } catch (err) {
        if (queue.ended.signal.aborted) throw queue.endReason
        const e = toCocoonError(err)
        return new CocoonError('WORKER_LOST', `worker stream broke: ${e.message}`, { cause: e.code })
      }
      if (frame.chunk != null) {
        firstChunk()
        const first = firstChunkAt == null
        if (first) traceMark('proxy.firstChunk')
        firstChunkAt ??= performance.now()
        outcome.firstTokenMs ??= firstChunkAt - started
        // Chunks that arrived together leave together: one send to the client for all of them. While the
        // proxy keeps up that is one chunk (no added latency); when it falls behind, its per-send cost shrinks.
        const chunks = [frame.chunk]
        let next: typeof frame | undefined
        let broken: CocoonError | undefined
        while (work.hasBufferedFrame && chunks.length < RELAY_BATCH_MAX) {
          try {
            next = await work.read(codecs.work)
          } catch (err) {
            broken = toCocoonError(err)
            break
          }
          if (next.chunk == null) break
          chunks.push(next.chunk)
          next = undefined
        }
        for (const chunk of chunks) counters.bytesRelayed += chunk.ciphertext.byteLength
        if (next?.final != null) {
          // The end came with the last chunks (a worker sends its final chunk and Final together): one send.
          return await finish(client, next.final, firstChunkAt, outcome, chunks)
        }
        if (first) traceMark('proxy.relayingFirst')
        await client.writeMany(codecs.proxy, chunks.map(chunk => ({ chunk })))
        if (broken != null) return new CocoonError('WORKER_LOST', `worker stream broke: ${broken.message}`, { cause: broken.code })
        if (next == null) continue
        frame = next
      }
      if (frame.final != null) {
        return await finish(client, frame.final, firstChunkAt, outcome, [])
      } else if (frame.error != null) {
        // Busy workers are worth another try; any other refusal is the job's own problem.
        if (frame.error.code === 'NO_CAPACITY') return new CocoonError('NO_CAPACITY', frame.error.message)
        outcome.ok = true
        await client.write(codecs.proxy, { error: frame.error })
        await client.closeWrite()
        return 'done'
      } else {
        return new CocoonError('WORKER_LOST', 'worker sent an empty frame')
      }
    }
  } finally {
    queue.ended.signal.removeEventListener('abort', onClientGone)
    // Close our side too: a half-open stream would count against the connection's stream limit for good.
    if (outcome.ok) void work.closeWrite().catch(() => work.abort(new CocoonError('CANCELLED', 'job over')))
    else work.abort(new CocoonError('CANCELLED', 'attempt over'))
  }
}

/** Relays the answer's end (with any chunks that came with it) in one send, and records the worker's success. */
async function finish (client: FrameStream, final: Final, firstChunkAt: number | undefined, outcome: AttemptObservation, chunks: SealedChunk[]): Promise<'done'> {
  outcome.ok = true
  outcome.tokensPerSecond = streamingSpeed(final.usage?.completionTokens ?? 0, firstChunkAt, performance.now())
  traceMark('proxy.relayingFinal')
  await client.writeMany(codecs.proxy, [...chunks.map(chunk => ({ chunk })), { final }])
  await client.closeWrite()
  return 'done'
}
