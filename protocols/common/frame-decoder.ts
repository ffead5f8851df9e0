import { Uint8ArrayList } from 'uint8arraylist'
import { CocoonError } from './errors.js'

/**
 * Pure framing: unsigned-varint length prefix + payload (the libp2p / it-length-prefixed
 * layout). No I/O, so the stream code around it stays small and this part is easy to test.
 */

/** Why a frame read failed, in `err.data.reason`. Higher layers map these to their own codes. */
export const FrameErrorReason = {
  /** MALFORMED: the remote closed its write side cleanly where a frame was required. */
  STREAM_CLOSED: 'STREAM_CLOSED',
  /** MALFORMED: the stream was reset (remotely) or aborted (locally) before a frame arrived. */
  STREAM_RESET: 'STREAM_RESET',
  /** MALFORMED: the stream ended in the middle of a frame. */
  TRUNCATED: 'TRUNCATED',
  /** MALFORMED: a complete frame whose payload the codec could not decode. */
  UNDECODABLE: 'UNDECODABLE',
  /** FRAME_TOO_LARGE: the length prefix announces more than the limit (or is longer than any allowed length). */
  OVER_LIMIT: 'OVER_LIMIT'
} as const

export type FrameErrorReasonName = typeof FrameErrorReason[keyof typeof FrameErrorReason]

/** Bytes needed to encode `value` as an unsigned varint. */
export function varintLength (value: number): number {
  let length = 1
  while (value >= 0x80) {
    value = Math.floor(value / 0x80)
    length++
  }
  return length
}

export function encodeVarint (value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new CocoonError('INTERNAL', `cannot encode ${value} as a varint`)
  const out = new Uint8Array(varintLength(value))
  for (let i = 0; i < out.length; i++) {
    const low = value % 0x80
    value = Math.floor(value / 0x80)
    out[i] = value > 0 ? low | 0x80 : low
  }
  return out
}

/** A frame prefix: the payload length followed by the payload. */
export function encodeFrame (payload: Uint8Array): Uint8ArrayList {
  return new Uint8ArrayList(encodeVarint(payload.byteLength), payload)
}

/**
 * Accumulates received bytes and cuts whole frames off the front. A frame is consumed only once it
 * is complete, so an interrupted read (timeout, cancel) loses nothing and the next read resumes.
 */
export class FrameDecoder {
  readonly maxFrameBytes: number
  readonly #maxPrefixBytes: number
  readonly #buffer = new Uint8ArrayList()

  constructor (maxFrameBytes: number) {
    if (!Number.isSafeInteger(maxFrameBytes) || maxFrameBytes < 1) {
      throw new CocoonError('BAD_REQUEST', `maxFrameBytes must be a positive integer, got ${maxFrameBytes}`)
    }
    this.maxFrameBytes = maxFrameBytes
    this.#maxPrefixBytes = varintLength(maxFrameBytes)
  }

  get bufferedBytes (): number { return this.#buffer.byteLength }

  push (data: Uint8Array | Uint8ArrayList): void {
    this.#buffer.append(data)
  }

  /**
   * The next complete payload, or undefined if more bytes are needed.
   * @throws CocoonError FRAME_TOO_LARGE (reason OVER_LIMIT) as soon as the prefix shows the frame is too big
   */
  next (): Uint8Array | undefined {
    const end = this.#frameEnd()
    if (end === undefined) return undefined
    const payload = this.#buffer.subarray(end.start, end.end)
    this.#buffer.consume(end.end)
    return payload
  }

  /** Whether a whole frame is buffered, so that `next()` returns one (or throws for an oversized one). */
  hasFrame (): boolean {
    try {
      return this.#frameEnd() !== undefined
    } catch {
      return true // next() will throw FRAME_TOO_LARGE for it
    }
  }

  /** Where the first buffered frame's payload starts and ends, or undefined while it is incomplete. */
  #frameEnd (): { start: number, end: number } | undefined {
    const buffered = this.#buffer.byteLength
    let length = 0
    let scale = 1
    for (let i = 0; i < this.#maxPrefixBytes; i++) {
      if (i >= buffered) return undefined
      const byte = this.#buffer.get(i)
      length += (byte & 0x7f) * scale
      scale *= 0x80
      if ((byte & 0x80) === 0) {
        if (length > this.maxFrameBytes) throw this.#tooLarge(length)
        const end = i + 1 + length
        if (buffered < end) return undefined
        return { start: i + 1, end }
      }
    }
    // the prefix is still going after as many bytes as the largest allowed length needs
    throw this.#tooLarge(undefined)
  }

  #tooLarge (length: number | undefined): CocoonError {
    const what = length === undefined ? 'a length prefix longer than any allowed length' : `${length} bytes`
    return new CocoonError('FRAME_TOO_LARGE', `frame announces ${what}, limit is ${this.maxFrameBytes}`, {
      reason: FrameErrorReason.OVER_LIMIT, length, maxFrameBytes: this.maxFrameBytes
    })
  }
}
