import { CocoonError } from '../common/errors.js'

/**
 * Why a certificate was refused. Travels in `CocoonError('ATTESTATION').data.reason`, so a client sees the same
 * reason the proxy saw.
 */
export const AttestationReasons = [
  'BAD_SIGNATURE',        // the peer signature over the body does not verify
  'PEER_MISMATCH',        // the certificate belongs to another peer than the one presenting it
  'MALFORMED',            // bytes do not decode, or a field has the wrong shape
  'ROOT_NOT_ACCEPTED',    // the quote's root CA is not one the registry accepts
  'QUOTE_INVALID',        // DCAP verification of the quote failed
  'REPORTDATA_MISMATCH',  // the quote does not bind this body
  'IMAGE_NOT_ALLOWED',    // the measured image is not allow-listed, or differs from the body's claim
  'NOT_REGISTERED',       // no active registry entry for the worker
  'CERT_NOT_ANCHORED',    // the registry entry anchors a different certificate
  'EXPIRED',              // past notAfter or past the registry entry's expiry
  'NOT_YET_VALID',        // before notBefore
  'NO_CERTIFICATE'        // the peer has no certificate to serve (attest protocol)
] as const

export type AttestationReason = typeof AttestationReasons[number]

export function isAttestationReason (value: unknown): value is AttestationReason {
  return typeof value === 'string' && (AttestationReasons as readonly string[]).includes(value)
}

/** A refused certificate: `code` 'ATTESTATION', `data.reason` says why. */
export function attestationError (reason: AttestationReason, message: string, data: Record<string, unknown> = {}, options?: ErrorOptions): CocoonError {
  return new CocoonError('ATTESTATION', `${reason}: ${message}`, { ...data, reason }, options)
}

/** The refusal reason carried by an error, if it is an attestation refusal. */
export function attestationReasonOf (err: unknown): AttestationReason | undefined {
  const e = err as { code?: unknown, data?: { reason?: unknown } } | null
  if (e?.code !== 'ATTESTATION') return undefined
  const reason = e.data?.reason
  return isAttestationReason(reason) ? reason : undefined
}
