import type { PeerId, Stream } from '@libp2p/interface'
import type { Clock } from './clock.js'
import { whenQuiet } from './quiet.js'

/**
 * Opening a libp2p stream costs a multistream-select round trip plus ~2 ms of CPU on both ends (peer store
 * merge, loggers, negotiation), and `negotiateFully: false` does not skip the round trip in libp2p 3. On the job
 * path that is paid twice before the first token (client -> proxy, proxy -> worker). WarmStreams keeps streams
 * to each peer already negotiated, so a job takes an open stream and its replacement is opened in the
 * background, off the critical path.
 *
 * Two per peer (`depth`): a proxy often sends a worker a job right after another ended, before that stream's
 * replacement is open; with one warm stream such a job waited ~2 ms for a dial (traced in bench/network.ts, where
 * every network run follows a gateway run). The replacement is opened a little after the stream handed out
 * closes (`refillDelayMs`), not at once: the close comes as a job's answer ends, and opening a stream then (~1 ms
 * of CPU on each end) delayed the answer's last frame on its way to the caller (0.6 ms, traced).
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
  /** How long after a handed-out stream closes its replacement is opened. @default REFILL_DELAY_MS */
  refillDelayMs?: number
  /** Idle streams kept per peer. @default WARM_DEPTH */
  depth?: number
  /** True while this node has a job waiting for its first token: replacements wait meanwhile (quiet.ts). */
  jobStarting?: () => boolean
  clock?: Clock
}

/**
 * @default 10 ms: past the end of the answer whose stream just closed, well before a person asks again. A job
 * starting then (back to back) holds it until its first token (`jobStarting`).
 */
export const REFILL_DELAY_MS = 10

/** @default 2: a job right after another finds one warm. */
export const WARM_DEPTH = 2

interface Idle {
  stream: Stream
  openedAt: number
  spoiled: boolean
  release: () => void
  /** Replaces it before the server's first-frame deadline. */
  timer?: ReturnType<typeof setTimeout>
}

interface PeerState {
  peer: PeerId
  /** Oldest first. */
  idle: Idle[]
  /** Background dials on their way. */
  dialing: Set<Promise<void>>
  lastTaken: number
  /** A refill waiting for `refillDelayMs`. */
  refillTimer?: { cancel: () => void }
}

export class WarmStreams {
  readonly protocol: string
  private readonly init: WarmStreamsInit
  private readonly clock: Clock
  private readonly keepWarmMs: number
  private readonly depth: number
  private readonly peers = new Map<string, PeerState>()
  private stopped = false
  /** Streams handed out warm and opened on demand, for status and tests. */
  readonly counters = { warm: 0, cold: 0 }

  constructor (init: WarmStreamsInit) {
    this.init = init
    this.protocol = init.protocol
    this.clock = init.clock ?? Date.now
    this.keepWarmMs = init.keepWarmMs ?? 60_000
    this.depth = Math.max(1, init.depth ?? WARM_DEPTH)
  }

  /**
   * A negotiated stream to `peer`: a warm one when there is one, else a fresh dial. When the stream handed out
   * closes, its replacement is opened in the background: not before, so that opening it does not take CPU from
   * the job that is starting (both ends pay for a stream open).
   *
   * `deadline` ends the wait for a stream on its way or a dial; given as a function, it is only made when there is
   * no warm stream (an `AbortSignal.any` with a timeout cost 0.05-0.2 ms of cold code on the way to a first token).
   */
  async take (peer: PeerId, deadline: AbortSignal | (() => AbortSignal)): Promise<Stream> {
    const signal = (): AbortSignal => typeof deadline === 'function' ? deadline() : deadline
    const key = peer.toString()
    let state = this.peers.get(key)
    if (state == null) {
      state = { peer, idle: [], dialing: new Set(), lastTaken: 0 }
      this.peers.set(key, state)
    }
    state.lastTaken = this.clock()
    let stream = this.takeIdle(state)
    // A stream already on its way is closer than a new dial.
    let waited: AbortSignal | undefined
    if (stream == null && state.dialing.size > 0) {
      waited = signal()
      await raceAbort(Promise.race(state.dialing), waited)
      stream = this.takeIdle(state)
    }
    if (stream != null) {
      this.counters.warm++
    } else {
      this.counters.cold++
      stream = await this.init.dial(peer, this.protocol, { signal: waited ?? signal() })
    }
    const current = state
    stream.addEventListener('close', () => { this.refillSoon(current) }, { once: true })
    return stream
  }

  /** Drops the peer's warm streams (e.g. the peer failed a job); it is dialled again on its next use. */
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
    for (const s of this.peers.values()) n += s.idle.length
    return n
  }

  /** The oldest usable idle stream, throwing away the ones that are not. */
  private takeIdle (state: PeerState): Stream | undefined {
    const now = this.clock()
    while (state.idle.length > 0) {
      const idle = state.idle.shift() as Idle
      clearTimeout(idle.timer)
      idle.release()
      if (usable(idle, now, this.init.maxIdleMs)) return idle.stream
      idle.stream.abort(new Error('warm stream went stale'))
    }
    return undefined
  }

  private discard (state: PeerState): void {
    state.refillTimer?.cancel()
    state.refillTimer = undefined
    for (const idle of state.idle.splice(0)) close(idle)
  }

  private refillSoon (state: PeerState): void {
    if (this.stopped || state.refillTimer != null) return
    state.refillTimer = whenQuiet(() => {
      state.refillTimer = undefined
      this.refill(state)
    }, this.init.refillDelayMs ?? REFILL_DELAY_MS, { busy: this.init.jobStarting, unref: true })
  }

  /** Opens streams until `depth` are idle or on their way, for a peer still in use. */
  private refill (state: PeerState): void {
    if (this.stopped || this.peers.get(state.peer.toString()) !== state) return
    if (this.clock() - state.lastTaken > this.keepWarmMs) {
      this.discard(state)
      this.peers.delete(state.peer.toString())
      return
    }
    for (let n = state.idle.length + state.dialing.size; n < this.depth; n++) this.dialOne(state)
  }

  private dialOne (state: PeerState): void {
    const dialing = this.dialIdle(state)
    state.dialing.add(dialing)
    void dialing.finally(() => state.dialing.delete(dialing))
  }

  private async dialIdle (state: PeerState): Promise<void> {
    try {
      const stream = await this.init.dial(state.peer, this.protocol, { signal: AbortSignal.timeout(this.init.dialTimeoutMs ?? 10_000) })
      if (this.stopped || this.peers.get(state.peer.toString()) !== state) {
        void stream.close().catch(() => stream.abort(new Error('not needed')))
        return
      }
      const idle = watchIdle(stream, this.clock())
      idle.timer = setTimeout(() => { this.renew(state, idle) }, this.init.maxIdleMs)
      idle.timer.unref?.()
      state.idle.push(idle)
    } catch {
      // The peer is unreachable for now: forget it; its next take dials on demand and starts over.
      if (this.peers.get(state.peer.toString()) === state) {
        this.discard(state)
        this.peers.delete(state.peer.toString())
      }
    }
  }

  /** An idle stream is about to outlive the server's patience: replace it (refill lets an unused peer go). */
  private renew (state: PeerState, idle: Idle): void {
    const at = state.idle.indexOf(idle)
    if (at < 0) return
    state.idle.splice(at, 1)
    close(idle)
    this.refill(state)
  }
}

/** Closing (not resetting) lets the server's read end cleanly. */
function close (idle: Idle): void {
  clearTimeout(idle.timer)
  idle.release()
  void idle.stream.close().catch(() => idle.stream.abort(new Error('warm stream discarded')))
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
