import { aeadOpen, aeadSeal } from './aead.js'
import { AEAD_TAG_BYTES, MAX_SEQ } from './constants.js'
import { checkSeq, chunkAad, nonceFor } from './encoding.js'
import { badSealInput, integrityError } from './errors.js'

/** One encrypted message of an ordered stream. */
export interface SealedChunk {
  seq: number
  ciphertext: Uint8Array
}

/** The fixed part of every AAD in one direction of one job attempt. */
export interface ChannelContext {
  key: Uint8Array
  jobId: Uint8Array
  attempt: number
  /** For error messages only: 'response' or 'client-to-worker'. */
  direction: string
}

function checkPlaintext (plaintext: unknown): asserts plaintext is Uint8Array {
  if (!(plaintext instanceof Uint8Array)) throw badSealInput('plaintext must be a Uint8Array')
}

/**
 * Sending half of an ordered AEAD channel: seq counts from 0, one nonce per seq, never reused.
 * After a chunk marked final nothing more can be sealed, so a final marker is always last.
 */
export class ChannelSender {
  #next = 0
  #finished = false

  constructor (private readonly ctx: ChannelContext) {}

  get nextSeq (): number { return this.#next }
  get finished (): boolean { return this.#finished }

  seal (plaintext: Uint8Array, final: boolean): SealedChunk {
    checkPlaintext(plaintext)
    if (this.#finished) {
      throw integrityError('AFTER_FINAL', `cannot seal on the ${this.ctx.direction} channel after its final chunk`, { direction: this.ctx.direction })
    }
    if (this.#next > MAX_SEQ) throw badSealInput(`${this.ctx.direction} channel exhausted its sequence numbers`)
    const seq = this.#next
    const aad = chunkAad(this.ctx.jobId, this.ctx.attempt, seq, final)
    const ciphertext = aeadSeal(this.ctx.key, nonceFor(seq), aad, plaintext)
    this.#next = seq + 1
    if (final) this.#finished = true
    return { seq, ciphertext }
  }
}

/**
 * Receiving half. It accepts exactly the sender's sequence: the next seq or nothing, so a relay
 * that drops, reorders or replays chunks is caught at the first gap. A refused chunk leaves the
 * state unchanged (it was never the sender's), so the genuine next chunk still opens; the job
 * layer decides whether to give up on the first error.
 */
export class ChannelReceiver {
  #expected = 0
  #finished = false

  constructor (private readonly ctx: ChannelContext) {}

  get expectedSeq (): number { return this.#expected }
  /** True once a chunk marked final has opened: the stream is complete, not truncated. */
  get finished (): boolean { return this.#finished }

  open (chunk: SealedChunk, final: boolean): Uint8Array {
    if (chunk == null || !(chunk.ciphertext instanceof Uint8Array)) throw badSealInput('chunk must have a Uint8Array ciphertext')
    checkSeq(chunk.seq)
    const direction = this.ctx.direction
    if (this.#finished) {
      throw integrityError('AFTER_FINAL', `${direction} chunk ${chunk.seq} arrived after the final chunk`, { direction, seq: chunk.seq })
    }
    if (chunk.seq !== this.#expected) {
      throw integrityError('OUT_OF_ORDER', `${direction} chunk ${chunk.seq} arrived, expected ${this.#expected}`, { direction, seq: chunk.seq, expected: this.#expected })
    }
    if (chunk.ciphertext.byteLength < AEAD_TAG_BYTES) {
      throw integrityError('TAMPERED', `${direction} chunk ${chunk.seq} is shorter than its tag`, { direction, seq: chunk.seq })
    }
    let plaintext: Uint8Array
    try {
      const aad = chunkAad(this.ctx.jobId, this.ctx.attempt, chunk.seq, final)
      plaintext = aeadOpen(this.ctx.key, nonceFor(chunk.seq), aad, chunk.ciphertext)
    } catch (err) {
      throw integrityError('TAMPERED', `${direction} chunk ${chunk.seq} failed authentication`, { direction, seq: chunk.seq, final }, err)
    }
    this.#expected = chunk.seq + 1
    if (final) this.#finished = true
    return plaintext
  }
}
