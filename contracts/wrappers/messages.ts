import { type Address, beginCell, type Cell } from '@ton/core'
import { Op, type AllowListKind } from '../opcodes.js'
import { InvalidArgumentError } from '../errors.js'
import { hashToBigInt, storeRegistryParams, workerCertCell, type RegistryParams, type WorkerCert } from './codec.js'

/**
 * Message bodies, one builder per message in tolk/messages.tolk. The wrappers and the
 * wallet helpers both send these, so a body is built in exactly one place.
 */

function queryIdOf (queryId?: bigint | number): bigint {
  return BigInt(queryId ?? Date.now())
}

/** Hash the worker key signs to authorise RegisterWorker (struct RegisterClaim). */
export function registerClaimHash (registry: Address, owner: Address, cert: WorkerCert): Buffer {
  return beginCell()
    .storeUint(Op.RegisterClaim, 32)
    .storeAddress(registry)
    .storeAddress(owner)
    .storeRef(workerCertCell(cert))
    .endCell()
    .hash()
}

export function registerWorkerBody (opts: { workerKey: Uint8Array, cert: WorkerCert, signature: Uint8Array, queryId?: bigint | number }): Cell {
  if (opts.signature.length !== 64) throw new InvalidArgumentError(`signature must be 64 bytes, got ${opts.signature.length}`)
  return beginCell()
    .storeUint(Op.RegisterWorker, 32)
    .storeUint(queryIdOf(opts.queryId), 64)
    .storeUint(hashToBigInt(opts.workerKey, 'workerKey'), 256)
    .storeRef(workerCertCell(opts.cert))
    .storeBuffer(Buffer.from(opts.signature))
    .endCell()
}

export function renewWorkerBody (opts: { workerKey: Uint8Array, cert: WorkerCert, queryId?: bigint | number }): Cell {
  return beginCell()
    .storeUint(Op.RenewWorker, 32)
    .storeUint(queryIdOf(opts.queryId), 64)
    .storeUint(hashToBigInt(opts.workerKey, 'workerKey'), 256)
    .storeRef(workerCertCell(opts.cert))
    .endCell()
}

export function slashWorkerBody (opts: { workerKey: Uint8Array, beneficiary: Address, queryId?: bigint | number }): Cell {
  return beginCell()
    .storeUint(Op.SlashWorker, 32)
    .storeUint(queryIdOf(opts.queryId), 64)
    .storeUint(hashToBigInt(opts.workerKey, 'workerKey'), 256)
    .storeAddress(opts.beneficiary)
    .endCell()
}

export function updateParamsBody (opts: { params: RegistryParams, queryId?: bigint | number }): Cell {
  return beginCell()
    .storeUint(Op.UpdateParams, 32)
    .storeUint(queryIdOf(opts.queryId), 64)
    .store(storeRegistryParams(opts.params))
    .endCell()
}

export function updateAllowListBody (opts: { list: AllowListKind, hash: Uint8Array, allowed: boolean, queryId?: bigint | number }): Cell {
  return beginCell()
    .storeUint(Op.UpdateAllowList, 32)
    .storeUint(queryIdOf(opts.queryId), 64)
    .storeUint(opts.list, 8)
    .storeUint(hashToBigInt(opts.hash), 256)
    .storeBit(opts.allowed)
    .endCell()
}

export function proposeAdminBody (opts: { newAdmin: Address | null, queryId?: bigint | number }): Cell {
  return beginCell()
    .storeUint(Op.ProposeAdmin, 32)
    .storeUint(queryIdOf(opts.queryId), 64)
    .storeAddress(opts.newAdmin)
    .endCell()
}

export function claimAdminBody (opts: { queryId?: bigint | number } = {}): Cell {
  return beginCell().storeUint(Op.ClaimAdmin, 32).storeUint(queryIdOf(opts.queryId), 64).endCell()
}

export function startUnbondBody (opts: { queryId?: bigint | number } = {}): Cell {
  return beginCell().storeUint(Op.StartUnbond, 32).storeUint(queryIdOf(opts.queryId), 64).endCell()
}

export function withdrawStakeBody (opts: { queryId?: bigint | number } = {}): Cell {
  return beginCell().storeUint(Op.WithdrawStake, 32).storeUint(queryIdOf(opts.queryId), 64).endCell()
}
