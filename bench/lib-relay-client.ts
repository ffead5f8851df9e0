/**
 * A load-generating client for relay benchmarks: speaks `/cocoon/job/1.0.0` with the real codecs (route, take
 * the offer, send a sealed-looking job, read chunks to Final) but neither verifies certificates nor opens
 * chunks, so that the bench measures the proxy and not the client's crypto.
 */
import type { PeerId } from '@libp2p/interface'
import { randomBytes } from '@noble/hashes/utils.js'
import { wireBytes } from '../protocols/common/bytes.js'
import { FrameStream } from '../protocols/common/frames.js'
import { codecs, JOB_PROTOCOL, MAX_FRAME_BYTES, type RouteOffer } from '../protocols/job/index.js'
import type { CocoonLibp2p } from '../node/libp2p.js'

/** Outbound job streams one client connection may hold (libp2p's default per protocol is 64). */
const MAX_OUTBOUND_STREAMS = 1024
/** Size of a sealed job with a short chat prompt: ChaCha20-Poly1305 over a ~180-byte JobPayload. */
const SEALED_JOB_BYTES = 200

export interface RelayJobResult {
  /** Chunks received, the final sealed chunk excluded: one per token. */
  tokens: number
  /** Offers after the first: the proxy failed over to another worker. */
  failovers: number
  firstChunkMs: number
  totalMs: number
}

export interface RelayJobOptions {
  maxTokens: number
  /** Called once the first chunk arrived (the stream is open end to end). */
  onFirstChunk?: () => void
  readTimeoutMs?: number
}

export async function runRelayJob (client: CocoonLibp2p, proxy: PeerId, opts: RelayJobOptions): Promise<RelayJobResult> {
  const t0 = performance.now()
  const stream = await client.dialProtocol(proxy, JOB_PROTOCOL, { maxOutboundStreams: MAX_OUTBOUND_STREAMS })
  const frames = new FrameStream(stream, { maxFrameBytes: MAX_FRAME_BYTES, readTimeoutMs: opts.readTimeoutMs ?? 30_000 })
  let tokens = 0
  let failovers = 0
  let firstChunkMs = -1
  try {
    await frames.write(codecs.client, { route: { model: 'cocoon-tiny', maxTokens: opts.maxTokens, maxPriceNanoPerToken: 0n } })
    const sendJob = async (offer: RouteOffer): Promise<void> => {
      await frames.write(codecs.client, {
        job: {
          jobId: offer.jobId,
          attempt: offer.attempt,
          ephemeralKey: wireBytes(randomBytes(32)),
          ciphertext: wireBytes(randomBytes(SEALED_JOB_BYTES)),
          model: 'cocoon-tiny',
          maxTokens: opts.maxTokens
        }
      })
    }
    const first = await frames.read(codecs.proxy)
    if (first.offer == null) throw new Error(`expected an offer, got ${first.error != null ? `${first.error.code}: ${first.error.message}` : 'another frame'}`)
    await sendJob(first.offer)
    while (true) {
      const frame = await frames.read(codecs.proxy)
      if (frame.offer != null) {
        // The worker's stream broke: a real client re-seals to the new worker; this one resends.
        failovers++
        await sendJob(frame.offer)
      } else if (frame.chunk != null) {
        if (frame.chunk.final) continue
        if (tokens === 0) {
          firstChunkMs = performance.now() - t0
          opts.onFirstChunk?.()
        }
        tokens++
      } else if (frame.final != null) {
        return { tokens, failovers, firstChunkMs, totalMs: performance.now() - t0 }
      } else if (frame.error != null) {
        throw new Error(`proxy error ${frame.error.code}: ${frame.error.message}`)
      } else {
        throw new Error(`unexpected frame from the proxy: ${Object.keys(frame).filter(k => (frame as Record<string, unknown>)[k] != null).join(', ')}`)
      }
    }
  } finally {
    frames.abort(new Error('job over'))
  }
}
