import { CocoonError, toCocoonError } from './errors.js'
import { encodeFrame, FrameDecoder, FrameErrorReason, varintLength } from './frame-decoder.js'
import type { FrameErrorReasonName } from './frame-decoder.js'
import type { Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'
import type { Logger } from 'pino'
import { Uint8ArrayList } from 'uint8arraylist'
import { silentLogger } from './silent-logger.js'

export { FrameErrorReason, encodeFrame, FrameDecoder } from './frame-decoder.js'
export type { FrameErrorReasonName } from './frame-decoder.js'

/** Reads one message type. Protons-generated message namespaces (e.g. `TestFrame`) fit as they are. */
export interface Decoder<T> {
  decode (buf: Uint8Array | Uint8ArrayList): T
}

/** Writes one message type. Split from `Decoder` so `read(Msg)` infers `Msg`, not protons' `Partial<Msg>`. */
export interface Encoder<T> {
  encode (msg: T): Uint8Array
}

export interface Codec<T> extends Encoder<T>, Decoder<T> {}

export interface FrameStreamOptions {
  /** Largest payload accepted or sent. A bigger incoming frame aborts the stream. */
  maxFrameBytes: number
  /** Default deadline of every read, in ms; a read may pass its own `timeoutMs`. */
  readTimeoutMs: number
  /** Deadline for a write that waits for the peer to drain, in ms. @default readTimeoutMs */
  writeTimeoutMs?: number
  /**
   * Received-but-unread bytes held before the stream is paused (the muxer then stops granting the
   * sender window, which is what pushes back on it). @default maxFrameBytes + its length prefix
   */
  maxBufferedBytes?: number
  logger?: Logger
}

export interface ReadOptions {
  signal?: AbortSignal
  /** Overrides the stream's `readTimeoutMs` for this read. */
  timeoutMs?: number
}

export interface WriteOptions {
  signal?: AbortSignal
  /** Overrides the stream's `writeTimeoutMs` for this write. */
  timeoutMs?: number
}

function streamError (reason: FrameErrorReasonName, message: string, data: Record<string, unknown> = {}, cause?: unknown): CocoonError {
  return new CocoonError('MALFORMED', message, { reason, ...data }, cause === undefined ? undefined : { cause })
}

/**
 * Length-prefixed protobuf frames over one libp2p 3 stream, with a size limit on every frame, a
 * deadline on every read and write, and backpressure both ways.
 *
 * Errors are `CocoonError`s: `TIMEOUT`, `CANCELLED` (caller's signal), `FRAME_TOO_LARGE` (the
 * stream is aborted: the rest of it cannot be trusted), and `MALFORMED` with `data.reason`
 * `UNDECODABLE` (the frame is consumed; the stream stays usable so the caller can send an error
 * back), `TRUNCATED`, `STREAM_CLOSED` or `STREAM_RESET`. This layer does not know who is on the
 * other end; the job layer maps a gone stream to `WORKER_LOST` or similar.
 */
export class FrameStream {
  readonly stream: Stream
  readonly maxFrameBytes: number
  readonly readTimeoutMs: number
  readonly writeTimeoutMs: number
  readonly #maxBufferedBytes: number
  readonly #decoder: FrameDecoder
  readonly #log: Logger
  #resetError?: Error
  #reading = false
  #pausedByUs = false
  #wake?: () => void

  constructor (stream: Stream, opts: FrameStreamOptions) {
    for (const [name, value] of [['readTimeoutMs', opts.readTimeoutMs], ['writeTimeoutMs', opts.writeTimeoutMs ?? opts.readTimeoutMs]] as const) {
      if (!Number.isFinite(value) || value <= 0) throw new CocoonError('BAD_REQUEST', `${name} must be a positive number of ms, got ${value}`)
    }
    this.stream = stream
    this.#decoder = new FrameDecoder(opts.maxFrameBytes)
    this.maxFrameBytes = opts.maxFrameBytes
    this.readTimeoutMs = opts.readTimeoutMs
    this.writeTimeoutMs = opts.writeTimeoutMs ?? opts.readTimeoutMs
    // at least one whole frame must fit, or a full-size frame could never complete while paused
    this.#maxBufferedBytes = Math.max(opts.maxBufferedBytes ?? 0, opts.maxFrameBytes + varintLength(opts.maxFrameBytes))
    this.#log = opts.logger ?? silentLogger

    if (stream.status === 'reset' || stream.status === 'aborted') {
      this.#resetError = new Error(`stream is already ${stream.status}`)
    }
    // a handler may have paused the stream while it set up (so the stream would not reset on a full
    // buffer); from here on this reader owns flow control and resumes when it needs bytes
    this.#pausedByUs = stream.readStatus === 'paused'
    stream.addEventListener('message', this.#onMessage)
    stream.addEventListener('close', this.#onClose)
    stream.addEventListener('remoteCloseWrite', this.#onActivity)
    stream.addEventListener('end', this.#onActivity)
  }

  readonly #onMessage = (evt: StreamMessageEvent): void => {
    this.#decoder.push(evt.data)
    if (this.#decoder.bufferedBytes > this.#maxBufferedBytes && this.stream.readStatus === 'readable') {
      this.stream.pause()
      this.#pausedByUs = true
    }
    this.#wake?.()
  }

  readonly #onClose = (evt: StreamCloseEvent): void => {
    if (evt.error != null) this.#resetError = evt.error
    this.#wake?.()
  }

  readonly #onActivity = (): void => { this.#wake?.() }

  /**
   * Reads the next frame.
   * @throws CocoonError TIMEOUT | CANCELLED | FRAME_TOO_LARGE | MALFORMED (reason STREAM_CLOSED when the remote closed cleanly)
   */
  async read<T> (codec: Decoder<T>, opts?: ReadOptions): Promise<T> {
    const msg = await this.#read(codec, opts, false)
    return msg as T
  }

  /** Like `read`, but resolves `undefined` when the remote closed its write side between frames. */
  async readOrEnd<T> (codec: Decoder<T>, opts?: ReadOptions): Promise<T | undefined> {
    return this.#read(codec, opts, true)
  }

  /**
   * Writes one frame, waiting for the stream to drain when it is full.
   * @throws CocoonError FRAME_TOO_LARGE (nothing sent) | TIMEOUT | CANCELLED | MALFORMED (STREAM_CLOSED / STREAM_RESET)
   */
  async write<T> (codec: Encoder<T>, msg: T, opts?: WriteOptions): Promise<void> {
    await this.#send(this.#frame(codec, msg), opts)
  }

  /** One message as a length-prefixed frame, refused (nothing sent) when it is over the limit. */
  #frame<T> (codec: Encoder<T>, msg: T): Uint8ArrayList {
    const payload = codec.encode(msg)
    if (payload.byteLength > this.maxFrameBytes) {
      throw new CocoonError('FRAME_TOO_LARGE', `refusing to send a ${payload.byteLength}-byte frame, limit is ${this.maxFrameBytes}`, {
        reason: FrameErrorReason.OVER_LIMIT, length: payload.byteLength, maxFrameBytes: this.maxFrameBytes
      })
    }
    return encodeFrame(payload)
  }

  async #send (bytes: Uint8ArrayList, opts: WriteOptions | undefined): Promise<void> {
    if (opts?.signal?.aborted === true) throw toCocoonError(opts.signal.reason, 'CANCELLED')
    let timeout: AbortSignal | undefined
    try {
      if (!this.stream.send(bytes)) {
        // the frame is queued in full either way; only waiting for room has a deadline
        timeout = AbortSignal.timeout(opts?.timeoutMs ?? this.writeTimeoutMs)
        const signal = opts?.signal == null ? timeout : AbortSignal.any([opts.signal, timeout])
        await this.stream.onDrain({ signal })
      }
    } catch (err) {
      throw this.#writeError(err, opts?.signal, timeout)
    }
  }

  /**
   * Writes several frames with one `send`: one muxer frame, one encryption and one socket write instead of one
   * each. A relay uses it for frames that arrived together.
   * @throws CocoonError as `write`
   */
  async writeMany<T> (codec: Encoder<T>, msgs: T[], opts?: WriteOptions): Promise<void> {
    const batch = new Uint8ArrayList()
    for (const msg of msgs) batch.append(this.#frame(codec, msg))
    await this.#send(batch, opts)
  }

  /** True when a whole frame is already buffered: the next `read` returns without waiting for the network. */
  get hasBufferedFrame (): boolean {
    return this.#decoder.hasFrame()
  }

  /** Half-closes: no more frames from us, the remote can still send. */
  async closeWrite (opts?: { signal?: AbortSignal }): Promise<void> {
    try {
      await this.stream.close(opts)
    } catch (err) {
      throw this.#writeError(err, opts?.signal, undefined)
    }
  }

  /** Resets the stream in both directions; pending reads fail with STREAM_RESET. */
  abort (err: Error): void {
    this.stream.abort(err)
  }

  async #read<T> (codec: Decoder<T>, opts: ReadOptions | undefined, allowEnd: boolean): Promise<T | undefined> {
    if (this.#reading) throw new CocoonError('INTERNAL', 'concurrent reads on one FrameStream: frames would be split between readers')
    this.#reading = true
    try {
      const payload = await this.#nextPayload(opts, allowEnd)
      if (payload === undefined) return undefined
      try {
        return codec.decode(payload)
      } catch (err) {
        this.#log.debug({ err, bytes: payload.byteLength }, 'undecodable frame')
        throw streamError(FrameErrorReason.UNDECODABLE, `frame of ${payload.byteLength} bytes does not decode: ${(err as Error).message}`, { bytes: payload.byteLength }, err)
      }
    } finally {
      this.#reading = false
    }
  }

  async #nextPayload (opts: ReadOptions | undefined, allowEnd: boolean): Promise<Uint8Array | undefined> {
    const timeoutMs = opts?.timeoutMs ?? this.readTimeoutMs
    const deadline = Date.now() + timeoutMs
    while (true) {
      if (opts?.signal?.aborted === true) throw toCocoonError(opts.signal.reason, 'CANCELLED')
      const payload = this.#takeFrame()
      if (payload !== undefined) return payload

      // frames already received are served first; then a reset or an end is final
      if (this.#resetError != null) {
        throw streamError(FrameErrorReason.STREAM_RESET, `stream reset before a frame arrived: ${this.#resetError.message}`, { buffered: this.#decoder.bufferedBytes }, this.#resetError)
      }
      if (this.#remoteEnded()) {
        if (this.#decoder.bufferedBytes > 0) {
          throw streamError(FrameErrorReason.TRUNCATED, `stream ended inside a frame (${this.#decoder.bufferedBytes} bytes left)`, { buffered: this.#decoder.bufferedBytes })
        }
        if (allowEnd) return undefined
        throw streamError(FrameErrorReason.STREAM_CLOSED, 'stream closed before a frame arrived')
      }

      // we need more bytes: if we paused the stream to push back, let data flow again
      if (this.#pausedByUs && this.stream.readStatus === 'paused') {
        this.#pausedByUs = false
        this.stream.resume()
        continue
      }
      await this.#waitForActivity(opts?.signal, deadline - Date.now(), timeoutMs)
    }
  }

  #takeFrame (): Uint8Array | undefined {
    try {
      return this.#decoder.next()
    } catch (err) {
      // an oversized frame would have to be read to skip it: refuse the whole stream instead
      this.#log.debug({ err }, 'frame over the limit, aborting stream')
      this.stream.abort(err as Error)
      throw err
    }
  }

  /** True when no more bytes can arrive: the remote closed its write side and nothing waits in the stream. */
  #remoteEnded (): boolean {
    return this.stream.remoteWriteStatus !== 'writable' && this.stream.readBufferLength === 0
  }

  #waitForActivity (signal: AbortSignal | undefined, remainingMs: number, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const finish = (err?: Error): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        this.#wake = undefined
        if (err == null) resolve()
        else reject(err)
      }
      const onAbort = (): void => { finish(toCocoonError(signal?.reason, 'CANCELLED')) }
      const timer = setTimeout(() => {
        finish(new CocoonError('TIMEOUT', `no frame within ${timeoutMs} ms`, { timeoutMs }))
      }, Math.max(0, remainingMs))
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#wake = () => { finish() }
    })
  }

  #writeError (err: unknown, signal: AbortSignal | undefined, timeout: AbortSignal | undefined): CocoonError {
    if (timeout?.aborted === true && signal?.aborted !== true) {
      return new CocoonError('TIMEOUT', 'peer did not drain the stream in time', { timeoutMs: this.writeTimeoutMs }, { cause: err })
    }
    if (signal?.aborted === true) return toCocoonError(signal.reason, 'CANCELLED')
    if (this.stream.status === 'reset' || this.stream.status === 'aborted') {
      return streamError(FrameErrorReason.STREAM_RESET, `stream ${this.stream.status}: ${(err as Error)?.message ?? String(err)}`, {}, err)
    }
    return streamError(FrameErrorReason.STREAM_CLOSED, `cannot write: ${(err as Error)?.message ?? String(err)}`, {}, err)
  }
}
