import { CocoonError } from '../common/errors.js'

/**
 * Why a sealed payload was refused. All of them are `CocoonError('INTEGRITY')` with `data.reason`:
 * - `TAMPERED`: the AEAD tag does not verify (bytes changed, wrong key, or a final flag flipped).
 * - `OUT_OF_ORDER`: the sequence number is not the next one expected (a chunk was dropped,
 *   reordered or replayed by the relay).
 * - `AFTER_FINAL`: a chunk arrived (or was sealed) after the one marked final.
 * - `BAD_KEY`: the X25519 agreement failed (a low-order or otherwise unusable public key).
 */
export type IntegrityReason = 'TAMPERED' | 'OUT_OF_ORDER' | 'AFTER_FINAL' | 'BAD_KEY'

export function integrityError (reason: IntegrityReason, message: string, data: Record<string, unknown> = {}, cause?: unknown): CocoonError {
  return new CocoonError('INTEGRITY', message, { reason, ...data }, cause === undefined ? undefined : { cause })
}

export function badSealInput (message: string, data?: Record<string, unknown>): CocoonError {
  return new CocoonError('BAD_REQUEST', message, data)
}
