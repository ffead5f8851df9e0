import { equals as bytesEqual } from 'uint8arrays/equals'
import { toString as bytesToString } from 'uint8arrays/to-string'
import { CapacityAnnouncement } from './gen/messages.js'
import {
  MAX_AGE_MS, MAX_ANNOUNCEMENT_BYTES, MAX_FUTURE_MS, MAX_MODELS, MAX_SLOTS, MAX_STRING_LENGTH
} from './constants.js'

export { CapacityAnnouncement }

/** What the gossip validator does with a message: maps one to one onto gossipsub's TopicValidatorResult. */
export type Verdict =
  | { action: 'accept', announcement: CapacityAnnouncement }
  | { action: 'ignore', reason: string }
  | { action: 'reject', reason: string }

export interface CheckContext {
  /** Raw bytes of the peer id that signed the gossip envelope. */
  signer: Uint8Array
  /** Highest seq already accepted from this signer, if any. */
  lastSeq?: bigint
  now: number
}

export function encodeAnnouncement (a: CapacityAnnouncement): Uint8Array {
  return CapacityAnnouncement.encode(a)
}

/**
 * Decides, without I/O, whether a capacity message may enter the table and be forwarded. Malformed, oversized,
 * mis-attributed and out-of-window messages are rejected (the sender loses gossip score: honest nodes never relay
 * them, so the penalty lands on whoever made them); an older or repeated seq is ignored (honest gossip delivers
 * those too) and never replaces the newer entry.
 */
export function checkAnnouncement (data: Uint8Array, ctx: CheckContext): Verdict {
  if (data.byteLength > MAX_ANNOUNCEMENT_BYTES) return { action: 'reject', reason: `oversized (${data.byteLength} bytes)` }
  let a: CapacityAnnouncement
  try {
    a = CapacityAnnouncement.decode(data, { limits: { models: MAX_MODELS } })
  } catch (err) {
    return { action: 'reject', reason: `malformed: ${(err as Error).message}` }
  }
  if (!bytesEqual(a.peerId, ctx.signer)) return { action: 'reject', reason: 'peerId does not match the signer' }
  const shape = checkShape(a)
  if (shape != null) return { action: 'reject', reason: shape }
  const ts = Number(a.ts)
  if (ts < ctx.now - MAX_AGE_MS) return { action: 'reject', reason: `stale (${ctx.now - ts} ms old)` }
  if (ts > ctx.now + MAX_FUTURE_MS) return { action: 'reject', reason: `from the future (${ts - ctx.now} ms ahead)` }
  if (ctx.lastSeq != null) {
    if (a.seq === ctx.lastSeq) return { action: 'ignore', reason: 'duplicate seq' }
    // Never REJECT an older seq: honest gossip delivers one late by a slower path, or on request (IWANT) from the
    // signer's own message cache, and REJECT would cost the honest sender or relayer its score. It never enters
    // the table; verbatim replays are caught by gossipsub's seen-cache and then by the staleness window.
    if (a.seq < ctx.lastSeq) return { action: 'ignore', reason: `older seq ${a.seq} < ${ctx.lastSeq}` }
  }
  return { action: 'accept', announcement: a }
}

function checkShape (a: CapacityAnnouncement): string | undefined {
  if (a.models.length === 0) return 'no models'
  for (const m of a.models) {
    if (m.id.length === 0 || m.id.length > MAX_STRING_LENGTH) return 'bad model id'
    if (m.sha256.byteLength !== 32) return 'model sha256 must be 32 bytes'
  }
  if (a.gpu.length > MAX_STRING_LENGTH) return 'gpu name too long'
  if (a.slots === 0 || a.slots > MAX_SLOTS) return `slots out of range (${a.slots})`
  if (a.freeSlots > a.slots) return 'freeSlots > slots'
  if (!Number.isFinite(a.tokensPerSecond) || a.tokensPerSecond < 0) return 'bad tokensPerSecond'
  if (!Number.isFinite(a.firstTokenMs) || a.firstTokenMs < 0) return 'bad firstTokenMs'
  if (a.certHash.byteLength !== 0 && a.certHash.byteLength !== 32) return 'certHash must be 32 bytes'
  return undefined
}

export function modelHashHex (sha256: Uint8Array): string {
  return bytesToString(sha256, 'base16')
}
