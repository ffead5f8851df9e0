import type { PeerId, Stream } from '@libp2p/interface'
import type { Clock } from './clock.js'

/**
 * Opening a libp2p stream costs a multistream-select round trip plus ~2 ms of CPU on both ends (peer store
 * merge, loggers, negotiation), and `negotiateFully: false` does not skip the round trip in libp2p 3. On the job
 * path that is paid twice before the first token (client -> proxy, proxy -> worker). WarmStreams keeps one
 * stream per peer already negotiated, so a job takes an open stream and the next one is opened in the
 * background, off the critical path.
 *
 * The next stream is opened a little after the one handed out closes (`refillDelayMs`), not at once: the close
 * comes as a job's answer ends, and opening a stream then (~1 ms of CPU on each end) delayed the answer's last
 * frame on its way to the caller (0.9 ms more from the proxy's last send to the client's read, traced). A take in
 * between dials at once, as it would with no stream ready.
 *
 * Only peers used recently are kept warm, and an idle stream is replaced before the server's first-frame
 * deadline would end it. A stream on which anything arrives while idle (an error frame, a close, a reset) is
 * spoiled and thrown away, never handed out.
 */
export interface WarmStreamsInit {
  protocol: string
  dial: (peer: PeerId, protocol: string, options: { signal: AbortSignal }) => Promise<Stream>
  /** Replace an idle stream after this long; below the server's deadline for a first frame. */
  maxIdleMs: number
  /** Stop keeping a peer warm when no stream was taken for it this long. @default 60 s */
  keepWarmMs?: number
  /** Deadline of a background dial. @default 10 s */
  dialTimeoutMs?: number
  /** How long after a handed-out stream closes the next one is opened. @default REFILL_DELAY_MS */
  refillDelayMs?: number
  clock?: Clock
}

interface Idle {
  stream: Stream
  openedAt: number
  spoiled: boolean
  release: () => void
}

interface PeerState {
  peer: PeerId
  idle?: Idle
  dialing?: Promise<void>
  lastTaken: number
  timer?: ReturnType<typeof setTimeout>
  /** A refill waiting for `refillDelayMs`. */
  refillTimer?: ReturnType<typeof setTimeout>
}

/** @default 10 ms: past the end of the answer whose stream just closed, well before a person asks again. */
export const REFILL_DELAY_MS = 10

export class WarmStreams {
  readonly protocol: string
  private readonly init: WarmStreamsInit
  private readonly clock: Clock
  private readonly keepWarmMs: number
  private readonly peers = new Map<string, PeerState>()
  private stopped = false
  /** Streams handed out warm and opened on demand, for status and tests. */
  readonly counters = { warm: 0, cold: 0 }

  constructor (init: WarmStreamsInit) {
    this.init = init
    this.protocol = init.protocol
    this.clock = init.clock ?? Date.now
    this.keepWarmMs = init.keepWarmMs ?? 60_000
  }

  /**
   * A negotiated stream to `peer`: a warm one when there is one, else a fresh dial. When the stream handed out
   * closes, another is opened in the background for the next caller: not before, so that opening it does not
   * take CPU from the job that is starting (both ends pay for a stream open).
   */
  async take (peer: PeerId, signal: AbortSignal): Promise<Stream> {
    const key = peer.toString()
    let state = this.peers.get(key)
    if (state == null) {
      state = { peer, lastTaken: 0 }
      this.peers.set(key, state)
    }
    state.lastTaken = this.clock()
    clearTimeout(state.refillTimer)
    state.refillTimer = undefined
    // A stream already on its way is closer than a new dial.
    if (state.idle == null && state.dialing != null) await raceAbort(state.dialing, signal)
    const idle = state.idle
    state.idle = undefined
    clearTimeout(state.timer)
    if (idle != null) idle.release()
    let stream: Stream
    if (idle != null && usable(idle, this.clock(), this.init.maxIdleMs)) {
      this.counters.warm++
      stream = idle.stream
    } else {
      if (idle != null) idle.stream.abort(new Error('warm stream went stale'))
      this.counters.cold++
      stream = await this.init.dial(peer, this.protocol, { signal })
    }
    const current = state
    stream.addEventListener('close', () => { this.refillSoon(current) }, { once: true })
    return stream
  }

  /** Drops the peer's warm stream (e.g. the peer failed a job); it is dialled again on its next use. */
  forget (peer: PeerId): void {
    const state = this.peers.get(peer.toString())
    if (state == null) return
    this.discard(state)
    this.peers.delete(peer.toString())
  }

  stop (): void {
    this.stopped = true
    for (const state of this.peers.values()) this.discard(state)
    this.peers.clear()
  }

  /** How many idle streams are held now. */
  get size (): number {
    let n = 0
    for (const s of this.peers.values()) if (s.idle != null) n++
    return n
  }

  private discard (state: PeerState): void {
    clearTimeout(state.timer)
    clearTimeout(state.refillTimer)
    state.refillTimer = undefined
    const idle = state.idle
    state.idle = undefined
    if (idle != null) {
      idle.release()
      // Closing (not resetting) lets the server's read end cleanly.
      void idle.stream.close().catch(() => idle.stream.abort(new Error('warm stream discarded')))
    }
  }

  private refillSoon (state: PeerState): void {
    if (this.stopped) return
    clearTimeout(state.refillTimer)
    state.refillTimer = setTimeout(() => {
      state.refillTimer = undefined
      this.refill(state)
    }, this.init.refillDelayMs ?? REFILL_DELAY_MS)
    state.refillTimer.unref?.()
  }

  private refill (state: PeerState): void {
    if (this.stopped || state.dialing != null || state.idle != null || this.peers.get(state.peer.toString()) !== state) return
    if (this.clock() - state.lastTaken > this.keepWarmMs) {
      this.peers.delete(state.peer.toString())
      return
    }
    state.dialing = (async () => {
      try {
        const stream = await this.init.dial(state.peer, this.protocol, { signal: AbortSignal.timeout(this.init.dialTimeoutMs ?? 10_000) })
        if (this.stopped || this.peers.get(state.peer.toString()) !== state) {
          void stream.close().catch(() => stream.abort(new Error('not needed')))
          return
        }
        state.idle = watchIdle(stream, this.clock())
        clearTimeout(state.timer)
        state.timer = setTimeout(() => { this.renew(state) }, this.init.maxIdleMs)
        state.timer.unref?.()
      } catch {
        // The peer is unreachable for now: forget it; its next take dials on demand and starts over.
        if (this.peers.get(state.peer.toString()) === state) this.peers.delete(state.peer.toString())
      } finally {
        state.dialing = undefined
      }
    })()
  }

  /** An idle stream is about to outlive the server's patience: replace it (refill lets an unused peer go). */
  private renew (state: PeerState): void {
    this.discard(state)
    this.refill(state)
  }
}

async function raceAbort (p: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return
  let onAbort!: () => void
  await Promise.race([p, new Promise<void>(resolve => { onAbort = resolve; signal.addEventListener('abort', onAbort, { once: true }) })])
  signal.removeEventListener('abort', onAbort)
}

function usable (idle: Idle, now: number, maxIdleMs: number): boolean {
  const s = idle.stream
  return !idle.spoiled && now - idle.openedAt < maxIdleMs && s.status === 'open' && s.writeStatus === 'writable' && s.remoteWriteStatus === 'writable'
}

/** Marks the stream spoiled if anything happens on it while nobody is reading it. */
function watchIdle (stream: Stream, now: number): Idle {
  const idle: Idle = { stream, openedAt: now, spoiled: false, release: () => {} }
  const spoil = (): void => { idle.spoiled = true }
  stream.addEventListener('message', spoil)
  stream.addEventListener('close', spoil)
  stream.addEventListener('remoteCloseWrite', spoil)
  idle.release = () => {
    stream.removeEventListener('message', spoil)
    stream.removeEventListener('close', spoil)
    stream.removeEventListener('remoteCloseWrite', spoil)
  }
  return idle
}
