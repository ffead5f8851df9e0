/**
 * Errors raised by contracts/ code. Each class has a static and an instance `name` and a
 * string `code` (the js-libp2p convention) so callers can test `err.name` / `err.code`.
 * contracts/ must not import protocols/ or node/, so these do not extend CocoonError.
 */
export class ContractError extends Error {
  static override readonly name: string = 'ContractError'
  override readonly name: string = 'ContractError'
  readonly code: string = 'CONTRACT_ERROR'
}

export class ContractCompileError extends ContractError {
  static override readonly name = 'ContractCompileError'
  override readonly name = 'ContractCompileError'
  override readonly code = 'CONTRACT_COMPILE'
}

/** A value given by the caller is out of range or the wrong size. */
export class InvalidArgumentError extends ContractError {
  static override readonly name = 'InvalidArgumentError'
  override readonly name = 'InvalidArgumentError'
  override readonly code = 'INVALID_ARGUMENT'
}

/** The chain endpoint failed or answered something we cannot use. */
export class ChainRequestError extends ContractError {
  static override readonly name = 'ChainRequestError'
  override readonly name = 'ChainRequestError'
  override readonly code = 'CHAIN_REQUEST'
}

/** A sent transaction was not seen on chain in time (its wallet seqno did not move). */
export class TransactionTimeoutError extends ContractError {
  static override readonly name = 'TransactionTimeoutError'
  override readonly name = 'TransactionTimeoutError'
  override readonly code = 'TX_TIMEOUT'
}

/** The wallet cannot pay for what was asked. */
export class InsufficientFundsError extends ContractError {
  static override readonly name = 'InsufficientFundsError'
  override readonly name = 'InsufficientFundsError'
  override readonly code = 'INSUFFICIENT_FUNDS'
}

/** The chain state says the operation cannot happen (entry slashed, unbonding not over, ...). */
export class RegistryStateError extends ContractError {
  static override readonly name = 'RegistryStateError'
  override readonly name = 'RegistryStateError'
  override readonly code = 'REGISTRY_STATE'
}

/** A JSON-RPC request to the devnet was malformed or named an unknown method. */
export class DevnetRequestError extends ContractError {
  static override readonly name = 'DevnetRequestError'
  override readonly name = 'DevnetRequestError'
  override readonly code = 'DEVNET_REQUEST'
}

/** Why the registry would refuse a worker's register or renew; each names what fixes it. */
export type RegistrationRefusal = 'IMAGE_NOT_ALLOWED' | 'ROOT_NOT_ACCEPTED' | 'LIFETIME_TOO_LONG' | 'CERT_EXPIRED' | 'STAKE_TOO_LOW'

/**
 * Checked against the registry's get-methods before anything is sent: the registry would refuse this
 * registration (or proxies would refuse the worker), so sending would only burn fees and time.
 * `reason` says which rule; the message names the command that fixes it.
 */
export class RegistrationRefusedError extends ContractError {
  static override readonly name = 'RegistrationRefusedError'
  override readonly name = 'RegistrationRefusedError'
  override readonly code = 'REGISTRATION_REFUSED'
  readonly reason: RegistrationRefusal

  constructor (reason: RegistrationRefusal, message: string) {
    super(`${reason}: ${message}`)
    this.reason = reason
  }
}
