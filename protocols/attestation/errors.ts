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

/**
 * Failures of a TEE provider on the worker itself (obtaining a quote or its collateral). They never cross the
 * wire, so their codes are local ones, not `ErrorCode`s; each has its own class with a `code` and a `name`
 * (the js-libp2p convention) so a caller can test either.
 */
export abstract class TeeError extends Error {
  abstract readonly code: string
}

/** The configfs-tsm report interface is not there: not a TDX guest, a kernel older than 6.7, or configfs not mounted. */
export class TsmUnavailableError extends TeeError {
  static override readonly name = 'TsmUnavailableError'
  override readonly name = 'TsmUnavailableError'
  readonly code = 'TSM_UNAVAILABLE'
}

/** configfs-tsm is there but backed by another TEE than TDX (e.g. `sev_guest`). */
export class TsmWrongProviderError extends TeeError {
  static override readonly name = 'TsmWrongProviderError'
  override readonly name = 'TsmWrongProviderError'
  readonly code = 'TSM_WRONG_PROVIDER'
}

/** Creating, writing, reading or removing a report directory failed (permissions, EIO from the quoting service). */
export class TsmIoError extends TeeError {
  static override readonly name = 'TsmIoError'
  override readonly name = 'TsmIoError'
  readonly code = 'TSM_IO'
}

/** The kernel returned a zero-length quote. */
export class TsmEmptyQuoteError extends TeeError {
  static override readonly name = 'TsmEmptyQuoteError'
  override readonly name = 'TsmEmptyQuoteError'
  readonly code = 'TSM_EMPTY_QUOTE'
}

/** Another writer changed the report directory while we used it (its `generation` moved), twice in a row. */
export class TsmContendedError extends TeeError {
  static override readonly name = 'TsmContendedError'
  override readonly name = 'TsmContendedError'
  readonly code = 'TSM_CONTENDED'
}

/** The quote's collateral could not be fetched from the PCCS, or what came back is not collateral. */
export class CollateralFetchError extends TeeError {
  static override readonly name = 'CollateralFetchError'
  override readonly name = 'CollateralFetchError'
  readonly code = 'COLLATERAL_FETCH_FAILED'
}
