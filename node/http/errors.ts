/**
 * Failures of the gateway itself (bad route, bad body) and the one mapping from any failure to
 * an HTTP status plus an OpenAI-shaped error body, so every path answers errors the same way.
 */
import { isErrorCode, type ErrorCode } from '../../protocols/common/errors.js'

/** The body OpenAI sends with every error; the official SDKs read `error.message/type/code/param`. */
export interface OpenAIErrorBody {
  error: { message: string, type: OpenAIErrorType, code: string, param: string | null }
}

export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'insufficient_quota'
  | 'rate_limit_error'
  | 'server_error'
  | 'timeout_error'

/** Base of the errors the gateway raises about a request before any job runs. */
export class GatewayRequestError extends Error {
  static override readonly name: string = 'GatewayRequestError'
  override readonly name: string = 'GatewayRequestError'
  readonly code: string
  readonly status: number
  /** The request field at fault, as OpenAI names it (`messages[0].role`), or null. */
  readonly param: string | null

  constructor (status: number, code: string, message: string, param: string | null = null) {
    super(message)
    this.status = status
    this.code = code
    this.param = param
  }
}

/** The body is not JSON, or a field is missing, of the wrong type or out of range. */
export class InvalidRequestBodyError extends GatewayRequestError {
  static override readonly name = 'InvalidRequestBodyError'
  override readonly name = 'InvalidRequestBodyError'
  constructor (message: string, param: string | null = null) { super(400, 'BAD_REQUEST', message, param) }
}

/** The body is larger than the gateway agrees to buffer. */
export class BodyTooLargeError extends GatewayRequestError {
  static override readonly name = 'BodyTooLargeError'
  override readonly name = 'BodyTooLargeError'
  constructor (limit: number) { super(413, 'BODY_TOO_LARGE', `request body is larger than ${limit} bytes`) }
}

/** No such path. */
export class RouteNotFoundError extends GatewayRequestError {
  static override readonly name = 'RouteNotFoundError'
  override readonly name = 'RouteNotFoundError'
  constructor (method: string, path: string) { super(404, 'NOT_FOUND', `no route for ${method} ${path}`) }
}

/** The path exists but not with this method. */
export class MethodNotAllowedError extends GatewayRequestError {
  static override readonly name = 'MethodNotAllowedError'
  override readonly name = 'MethodNotAllowedError'
  readonly allow: string[]
  constructor (method: string, path: string, allow: string[]) {
    super(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path} (use ${allow.join(', ')})`)
    this.allow = allow
  }
}

/** Missing or wrong bearer token while the gateway was started with an API key. */
export class UnauthorizedError extends GatewayRequestError {
  static override readonly name = 'UnauthorizedError'
  override readonly name = 'UnauthorizedError'
  constructor () { super(401, 'UNAUTHORIZED', 'missing or invalid API key (send "Authorization: Bearer <key>")') }
}

/** HTTP status for each Cocoon error code; codes not listed are the server's fault (500). */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  MALFORMED: 400,
  UNAUTHORIZED: 401,
  PAYMENT: 402,
  UNKNOWN_MODEL: 404,
  RATE_LIMITED: 429,
  NO_CAPACITY: 503,
  WORKER_LOST: 503,
  ATTESTATION: 503,
  TIMEOUT: 504
}

export function statusForCode (code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 500
}

export function openAITypeForStatus (status: number): OpenAIErrorType {
  if (status === 401) return 'authentication_error'
  if (status === 402) return 'insufficient_quota'
  if (status === 429) return 'rate_limit_error'
  if (status === 504) return 'timeout_error'
  if (status >= 500) return 'server_error'
  return 'invalid_request_error'
}

export interface DescribedError {
  status: number
  body: OpenAIErrorBody
  /** Seconds, for a `Retry-After` header, when the backend said when to come back. */
  retryAfterSeconds?: number
  /** True when the error carries no code we know: a bug worth logging at error level. */
  unexpected: boolean
}

/**
 * Turns anything thrown while serving a request into the status and body to send. Errors are
 * recognised by their `code` (not `instanceof`), as CocoonError copies from another package
 * instance must map the same way. Messages of errors without a known code are not echoed:
 * they are internal details, and the log has them.
 */
export function describeError (err: unknown): DescribedError {
  if (err instanceof GatewayRequestError) {
    return { status: err.status, body: errorBody(err.status, err.code, err.message, err.param), unexpected: false }
  }
  const e = err as { code?: unknown, message?: unknown, data?: { retryAfterMs?: unknown } } | null | undefined
  if (e != null && isErrorCode(e.code)) {
    const status = statusForCode(e.code)
    const message = typeof e.message === 'string' && e.message !== '' ? e.message : e.code
    const described: DescribedError = { status, body: errorBody(status, e.code, message, null), unexpected: false }
    const retryAfterMs = e.data?.retryAfterMs
    if (typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
      described.retryAfterSeconds = Math.ceil(retryAfterMs / 1000)
    }
    return described
  }
  const name = (err as { name?: unknown } | null)?.name
  if (name === 'TimeoutError') return { status: 504, body: errorBody(504, 'TIMEOUT', 'the job timed out', null), unexpected: false }
  if (name === 'AbortError') return { status: 500, body: errorBody(500, 'CANCELLED', 'the job was cancelled', null), unexpected: false }
  return { status: 500, body: errorBody(500, 'INTERNAL', 'internal gateway error', null), unexpected: true }
}

export function errorBody (status: number, code: string, message: string, param: string | null): OpenAIErrorBody {
  return { error: { message, type: openAITypeForStatus(status), code, param } }
}
