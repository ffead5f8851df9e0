/** Errors of the gateway client (`streamChat`, `listModels`), one class per failure kind. */

/** The gateway answered with an OpenAI-shaped error, as a status or as an SSE error event. */
export class GatewayError extends Error {
  static override readonly name = 'GatewayError'
  override readonly name = 'GatewayError'
  /** The server's code, e.g. `UNKNOWN_MODEL`, `NO_CAPACITY`, `BAD_REQUEST`. */
  readonly code: string
  /** HTTP status; undefined when the error came inside an already started stream. */
  readonly status?: number
  /** OpenAI error type, e.g. `invalid_request_error`. */
  readonly type?: string
  readonly param?: string | null

  constructor (code: string, message: string, details: { status?: number, type?: string, param?: string | null } = {}) {
    super(message)
    this.code = code
    this.status = details.status
    this.type = details.type
    this.param = details.param
  }
}

/** Nothing answered at the gateway's address (refused, DNS, reset before a response). */
export class GatewayUnreachableError extends Error {
  static override readonly name = 'GatewayUnreachableError'
  override readonly name = 'GatewayUnreachableError'
  readonly code = 'GATEWAY_UNREACHABLE'
  readonly url: string

  constructor (url: string, options?: ErrorOptions) {
    super(`cannot reach the gateway at ${url}`, options)
    this.url = url
  }
}

/** The gateway answered something that is not the OpenAI protocol (bad JSON, stream cut short). */
export class GatewayProtocolError extends Error {
  static override readonly name = 'GatewayProtocolError'
  override readonly name = 'GatewayProtocolError'
  readonly code = 'GATEWAY_PROTOCOL'
}
