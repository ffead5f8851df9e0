/**
 * Ways a raw libp2p peer can abuse a protocol stream: random bytes, frames over the size limit, malformed length
 * prefixes, half-open streams. Each returns how the node ended the stream, so a test can tell a node that
 * defended itself (closed or reset the stream) from one that hung on it.
 */
import type { PeerId, Stream } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

/** Seeded PRNG (mulberry32) so a failing fuzz case can be replayed from its seed. */
export function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function randomBytesFrom (rand: () => number, length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = Math.floor(rand() * 256)
  return out
}

export type StreamEnd = 'closed' | 'reset' | 'timeout' | 'refused'

export interface AbuseResult {
  end: StreamEnd
  /** Bytes the node sent back. */
  received: Uint8Array
}

/** Resolves how the remote ends `stream` ('closed' when it closes its write side, 'reset' on abort), or 'timeout'. */
function watchEnd (stream: Stream, received: Uint8Array[], waitMs: number): Promise<StreamEnd> {
  return new Promise(resolve => {
    const timer = setTimeout(() => { resolve('timeout') }, waitMs)
    const done = (end: StreamEnd): void => { clearTimeout(timer); resolve(end) }
    const settled = (): StreamEnd | undefined => {
      if (stream.status === 'reset' || stream.status === 'aborted') return 'reset'
      if (stream.status === 'closed' || stream.remoteWriteStatus !== 'writable') return 'closed'
      return undefined
    }
    // also poll: the remote may have ended the stream before these listeners were added
    const poll = setInterval(() => { const s = settled(); if (s != null) { clearInterval(poll); done(s) } }, 100)
    setTimeout(() => { clearInterval(poll) }, waitMs)
    stream.addEventListener('message', (e) => { received.push(e.data.subarray()) })
    stream.addEventListener('remoteCloseWrite', () => { done('closed') })
    stream.addEventListener('close', (e) => { done(e.error != null ? 'reset' : 'closed') })
  })
}

/**
 * Opens `protocol` on `peer`, sends `chunks` as they are, optionally half-closes, and waits up to `waitMs` for
 * the node to end the stream. The stream is aborted afterwards whatever happened.
 */
export async function abuse (from: Libp2p, peer: PeerId, protocol: string, chunks: Uint8Array[], opts: { closeWrite?: boolean, waitMs?: number } = {}): Promise<AbuseResult> {
  let stream: Stream
  try {
    stream = await from.dialProtocol(peer, protocol, { signal: AbortSignal.timeout(10_000) })
  } catch {
    return { end: 'refused', received: new Uint8Array(0) }
  }
  const received: Uint8Array[] = []
  const ended = watchEnd(stream, received, opts.waitMs ?? 3000)
  try {
    for (const c of chunks) {
      if (!stream.send(c)) await stream.onDrain({ signal: AbortSignal.timeout(opts.waitMs ?? 3000) })
    }
    if (opts.closeWrite === true) await stream.close({ signal: AbortSignal.timeout(opts.waitMs ?? 3000) })
  } catch {
    // the node reset the stream while we were still sending: that is a defence, reported by `ended`
  }
  const end = await ended
  stream.abort(new Error('fuzz case over'))
  return { end, received: concatAll(received) }
}

/** Opens a stream, sends `chunks` and leaves it open: the node must end it by its own read deadline. */
export async function halfOpen (from: Libp2p, peer: PeerId, protocol: string, chunks: Uint8Array[]): Promise<{ ended: (waitMs: number) => Promise<StreamEnd>, abort: () => void }> {
  const stream = await from.dialProtocol(peer, protocol, { signal: AbortSignal.timeout(10_000) })
  let end: StreamEnd | undefined
  const endedAt = new Promise<StreamEnd>(resolve => {
    stream.addEventListener('remoteCloseWrite', () => { end ??= 'closed'; resolve(end) })
    stream.addEventListener('close', (e) => { end ??= e.error != null ? 'reset' : 'closed'; resolve(end) })
  })
  for (const c of chunks) stream.send(c)
  return {
    ended: async (waitMs) => end ?? await Promise.race([endedAt, new Promise<StreamEnd>(resolve => setTimeout(() => resolve('timeout'), waitMs))]),
    abort: () => { stream.abort(new Error('fuzz case over')) }
  }
}

function concatAll (parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.byteLength
  }
  return out
}
