import {
  type Address, beginCell, type Cell, type Contract, contractAddress, type ContractProvider,
  Dictionary, type Sender, SendMode
} from '@ton/core'
import type { AllowListKind } from '../opcodes.js'
import { bigIntToHash, hashToBigInt, storeRegistryParams, type RegistryParams, type WorkerCert } from './codec.js'
import { registryCode, workerEntryCode } from './code.js'
import {
  claimAdminBody, proposeAdminBody, registerWorkerBody, renewWorkerBody, slashWorkerBody,
  updateAllowListBody, updateParamsBody
} from './messages.js'

export interface RegistryConfig {
  admin: Address
  params: RegistryParams
  /** Code of the worker entries this registry deploys. @default the committed WorkerEntry code */
  entryCode?: Cell
  allowedImages?: Uint8Array[]
  allowedModels?: Uint8Array[]
  acceptedRoots?: Uint8Array[]
}

export interface RegistryAllowLists {
  images: Uint8Array[]
  models: Uint8Array[]
  roots: Uint8Array[]
}

type SendOpts = { value: bigint, queryId?: bigint }

function hashSetDict (hashes: Uint8Array[] = []): Dictionary<bigint, boolean> {
  const dict = Dictionary.empty(Dictionary.Keys.BigUint(256), Dictionary.Values.Bool())
  for (const h of hashes) dict.set(hashToBigInt(h), true)
  return dict
}

function dictKeys (cell: Cell | null): Uint8Array[] {
  if (cell == null) return []
  const dict = Dictionary.loadDirect(Dictionary.Keys.BigUint(256), Dictionary.Values.Bool(), cell)
  return dict.keys().map(bigIntToHash)
}

/** struct RegistryStorage in storage.tolk. */
export function registryConfigToCell (config: RegistryConfig): Cell {
  return beginCell()
    .storeAddress(config.admin)
    .storeAddress(null) // pendingAdmin
    .store(storeRegistryParams(config.params))
    .storeRef(config.entryCode ?? workerEntryCode())
    .storeDict(hashSetDict(config.allowedImages))
    .storeDict(hashSetDict(config.allowedModels))
    .storeDict(hashSetDict(config.acceptedRoots))
    .endCell()
}

/** Blueprint-shaped wrapper of the root registry. */
export class Registry implements Contract {
  constructor (readonly address: Address, readonly init?: { code: Cell, data: Cell }) {}

  static createFromAddress (address: Address): Registry {
    return new Registry(address)
  }

  static createFromConfig (config: RegistryConfig, code: Cell = registryCode(), workchain = 0): Registry {
    const init = { code, data: registryConfigToCell(config) }
    return new Registry(contractAddress(workchain, init), init)
  }

  async sendDeploy (provider: ContractProvider, via: Sender, value: bigint): Promise<void> {
    await provider.internal(via, { value, sendMode: SendMode.PAY_GAS_SEPARATELY })
  }

  /** `value` is stake plus fees: at least minStake + 0.05 TON. */
  async sendRegisterWorker (provider: ContractProvider, via: Sender, opts: SendOpts & { workerKey: Uint8Array, cert: WorkerCert, signature: Uint8Array }): Promise<void> {
    await provider.internal(via, { value: opts.value, sendMode: SendMode.PAY_GAS_SEPARATELY, body: registerWorkerBody(opts) })
  }

  async sendRenewWorker (provider: ContractProvider, via: Sender, opts: SendOpts & { workerKey: Uint8Array, cert: WorkerCert }): Promise<void> {
    await provider.internal(via, { value: opts.value, sendMode: SendMode.PAY_GAS_SEPARATELY, body: renewWorkerBody(opts) })
  }

  async sendSlashWorker (provider: ContractProvider, via: Sender, opts: SendOpts & { workerKey: Uint8Array, beneficiary: Address }): Promise<void> {
    await provider.internal(via, { value: opts.value, sendMode: SendMode.PAY_GAS_SEPARATELY, body: slashWorkerBody(opts) })
  }

  async sendUpdateParams (provider: ContractProvider, via: Sender, opts: SendOpts & { params: RegistryParams }): Promise<void> {
    await provider.internal(via, { value: opts.value, sendMode: SendMode.PAY_GAS_SEPARATELY, body: updateParamsBody(opts) })
  }

  async sendUpdateAllowList (provider: ContractProvider, via: Sender, opts: SendOpts & { list: AllowListKind, hash: Uint8Array, allowed: boolean }): Promise<void> {
    await provider.internal(via, { value: opts.value, sendMode: SendMode.PAY_GAS_SEPARATELY, body: updateAllowListBody(opts) })
  }

  async sendProposeAdmin (provider: ContractProvider, via: Sender, opts: SendOpts & { newAdmin: Address | null }): Promise<void> {
    await provider.internal(via, { value: opts.value, sendMode: SendMode.PAY_GAS_SEPARATELY, body: proposeAdminBody(opts) })
  }

  async sendClaimAdmin (provider: ContractProvider, via: Sender, opts: SendOpts): Promise<void> {
    await provider.internal(via, { value: opts.value, sendMode: SendMode.PAY_GAS_SEPARATELY, body: claimAdminBody(opts) })
  }

  /** Sends any body (tests use it for malformed and unknown messages). */
  async sendRaw (provider: ContractProvider, via: Sender, opts: { value: bigint, body?: Cell }): Promise<void> {
    await provider.internal(via, { value: opts.value, sendMode: SendMode.PAY_GAS_SEPARATELY, body: opts.body })
  }

  async getParams (provider: ContractProvider): Promise<RegistryParams> {
    const { stack } = await provider.get('get_registry_params', [])
    return {
      minStake: stack.readBigNumber(),
      proxyFeeBps: stack.readNumber(),
      unbondingDelay: stack.readNumber(),
      certMaxLifetime: stack.readNumber()
    }
  }

  async getAdmin (provider: ContractProvider): Promise<{ admin: Address, pendingAdmin: Address | null }> {
    const { stack } = await provider.get('get_admin', [])
    return { admin: stack.readAddress(), pendingAdmin: stack.readAddressOpt() }
  }

  async getIsImageAllowed (provider: ContractProvider, hash: Uint8Array): Promise<boolean> {
    const { stack } = await provider.get('is_image_allowed', [{ type: 'int', value: hashToBigInt(hash) }])
    return stack.readBoolean()
  }

  async getIsModelAllowed (provider: ContractProvider, hash: Uint8Array): Promise<boolean> {
    const { stack } = await provider.get('is_model_allowed', [{ type: 'int', value: hashToBigInt(hash) }])
    return stack.readBoolean()
  }

  async getIsRootAccepted (provider: ContractProvider, hash: Uint8Array): Promise<boolean> {
    const { stack } = await provider.get('is_root_accepted', [{ type: 'int', value: hashToBigInt(hash) }])
    return stack.readBoolean()
  }

  async getAllowLists (provider: ContractProvider): Promise<RegistryAllowLists> {
    const { stack } = await provider.get('get_allow_lists', [])
    return { images: dictKeys(stack.readCellOpt()), models: dictKeys(stack.readCellOpt()), roots: dictKeys(stack.readCellOpt()) }
  }

  async getEntryAddress (provider: ContractProvider, workerKey: Uint8Array): Promise<Address> {
    const { stack } = await provider.get('get_entry_address', [{ type: 'int', value: hashToBigInt(workerKey, 'workerKey') }])
    return stack.readAddress()
  }
}
