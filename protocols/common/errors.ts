/**
 * Every failure a caller can act on has a code. The codes cross the wire unchanged (job protocol
 * `Error{code, message}`), so the client sees the same code the proxy or worker raised.
 * Callers test `err.code` or `err.name`, which survive duplicated package copies where
 * `instanceof` does not (the js-libp2p convention).
 */
export const ErrorCodes = [
  'BAD_REQUEST',
  'UNKNOWN_MODEL',
  'NO_CAPACITY',
  'RATE_LIMITED',
  'TIMEOUT',
  'WORKER_LOST',
  'ATTESTATION',
  'INTEGRITY',
  'PAYMENT',
  'CANCELLED',
  'MALFORMED',
  'FRAME_TOO_LARGE',
  'UNAUTHORIZED',
  'INTERNAL'
] as const

export type ErrorCode = typeof ErrorCodes[number]

export function isErrorCode (value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ErrorCodes as readonly string[]).includes(value)
}

export class CocoonError extends Error {
  static override readonly name = 'CocoonError'
  override readonly name: string = 'CocoonError'
  readonly code: ErrorCode
  readonly data?: Record<string, unknown>

  constructor (code: ErrorCode, message: string, data?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.data = data
  }
}

/** Turns anything thrown into a CocoonError, keeping a code it already carries. */
export function toCocoonError (err: unknown, fallback: ErrorCode = 'INTERNAL'): CocoonError {
  if (err instanceof CocoonError) return err
  const e = err as { code?: unknown, message?: unknown, name?: unknown }
  if (e != null && isErrorCode(e.code)) {
    return new CocoonError(e.code, String(e.message ?? e.code), undefined, { cause: err })
  }
  if (e != null && (e.name === 'AbortError' || e.name === 'TimeoutError')) {
    return new CocoonError(e.name === 'TimeoutError' ? 'TIMEOUT' : 'CANCELLED', String(e.message ?? e.name), undefined, { cause: err })
  }
  return new CocoonError(fallback, err instanceof Error ? err.message : String(err), undefined, { cause: err })
}
