import { Address, beginCell, type Builder, type Cell } from '@ton/core'
import { InvalidArgumentError } from '../errors.js'

/** A worker's certificate as the registry stores it (struct WorkerCert in storage.tolk). */
export interface WorkerCert {
  /** sha256 of the worker's attestation certificate, 32 bytes. */
  certHash: Uint8Array
  /** TEE image hash (measurement) the certificate attests, 32 bytes. */
  imageHash: Uint8Array
  /** Unix seconds; the certificate's notAfter. */
  expiresAt: number
}

/** struct RegistryParams in storage.tolk. */
export interface RegistryParams {
  /** Smallest stake a register may carry, in nanoTON. */
  minStake: bigint
  /** Proxy fee in basis points (0..10000). */
  proxyFeeBps: number
  /** Seconds between StartUnbond and WithdrawStake. */
  unbondingDelay: number
  /** A certificate's expiresAt may be at most now + this many seconds. */
  certMaxLifetime: number
}

/** 32 bytes -> uint256, rejecting anything that is not exactly 32 bytes. */
export function hashToBigInt (hash: Uint8Array, what = 'hash'): bigint {
  if (!(hash instanceof Uint8Array) || hash.length !== 32) {
    throw new InvalidArgumentError(`${what} must be 32 bytes, got ${hash instanceof Uint8Array ? hash.length : typeof hash}`)
  }
  return BigInt('0x' + Buffer.from(hash).toString('hex'))
}

/** uint256 -> 32 bytes, big-endian. */
export function bigIntToHash (value: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(64, '0'), 'hex'))
}

export function assertUint32 (value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new InvalidArgumentError(`${what} must be an integer in 0..2^32-1, got ${value}`)
  }
}

export function storeWorkerCert (cert: WorkerCert) {
  return (b: Builder): void => {
    assertUint32(cert.expiresAt, 'expiresAt')
    b.storeUint(hashToBigInt(cert.certHash, 'certHash'), 256)
    b.storeUint(hashToBigInt(cert.imageHash, 'imageHash'), 256)
    b.storeUint(cert.expiresAt, 32)
  }
}

export function workerCertCell (cert: WorkerCert): Cell {
  return beginCell().store(storeWorkerCert(cert)).endCell()
}

export function storeRegistryParams (p: RegistryParams) {
  return (b: Builder): void => {
    if (p.minStake < 0n) throw new InvalidArgumentError('minStake must not be negative')
    if (!Number.isInteger(p.proxyFeeBps) || p.proxyFeeBps < 0 || p.proxyFeeBps > 10000) {
      throw new InvalidArgumentError(`proxyFeeBps must be in 0..10000, got ${p.proxyFeeBps}`)
    }
    assertUint32(p.unbondingDelay, 'unbondingDelay')
    assertUint32(p.certMaxLifetime, 'certMaxLifetime')
    b.storeCoins(p.minStake)
    b.storeUint(p.proxyFeeBps, 16)
    b.storeUint(p.unbondingDelay, 32)
    b.storeUint(p.certMaxLifetime, 32)
  }
}

/** Accepts a friendly or raw address string, or an Address. */
export function toAddress (value: Address | string): Address {
  return typeof value === 'string' ? Address.parse(value) : value
}
