import {
  type Address, beginCell, type Cell, type Contract, contractAddress, type ContractProvider,
  type Sender, SendMode, type TupleReader
} from '@ton/core'
import { EntryStatus, type EntryStatusValue } from '../opcodes.js'
import { bigIntToHash, hashToBigInt } from './codec.js'
import { workerEntryCode } from './code.js'
import { startUnbondBody, withdrawStakeBody } from './messages.js'

export interface WorkerEntryConfig {
  registry: Address
  /** ed25519 public key of the worker's libp2p identity, 32 bytes. */
  workerKey: Uint8Array
}

/** What get_entry returns. */
export interface WorkerEntryState {
  registry: Address
  workerKey: Uint8Array
  owner: Address | null
  status: EntryStatusValue
  certHash: Uint8Array
  imageHash: Uint8Array
  expiresAt: number
  /** Unix seconds after which an unbonding entry may withdraw. */
  withdrawAfter: number
  /** The entry's balance in nanoTON. */
  stake: bigint
}

/** Initial data (struct EntryStorage with only registry and key set); fixes the address. */
export function workerEntryInitData (config: WorkerEntryConfig): Cell {
  return beginCell()
    .storeAddress(config.registry)
    .storeUint(hashToBigInt(config.workerKey, 'workerKey'), 256)
    .storeAddress(null) // owner
    .storeUint(EntryStatus.Empty, 2)
    .storeUint(0, 32) // unbondingDelay
    .storeUint(0, 32) // withdrawAfter
    .storeMaybeRef(null) // cert
    .endCell()
}

export function readWorkerEntryState (stack: TupleReader): WorkerEntryState {
  return {
    registry: stack.readAddress(),
    workerKey: bigIntToHash(stack.readBigNumber()),
    owner: stack.readAddressOpt(),
    status: stack.readNumber() as EntryStatusValue,
    certHash: bigIntToHash(stack.readBigNumber()),
    imageHash: bigIntToHash(stack.readBigNumber()),
    expiresAt: stack.readNumber(),
    withdrawAfter: stack.readNumber(),
    stake: stack.readBigNumber()
  }
}

/** Blueprint-shaped wrapper of one worker's registry entry. */
export class WorkerEntry implements Contract {
  constructor (readonly address: Address, readonly init?: { code: Cell, data: Cell }) {}

  static createFromAddress (address: Address): WorkerEntry {
    return new WorkerEntry(address)
  }

  /** The entry's address is the hash of its initial state: computable by anyone, off chain. */
  static createFromConfig (config: WorkerEntryConfig, code: Cell = workerEntryCode(), workchain = 0): WorkerEntry {
    const init = { code, data: workerEntryInitData(config) }
    return new WorkerEntry(contractAddress(workchain, init), init)
  }

  async sendStartUnbond (provider: ContractProvider, via: Sender, opts: { value: bigint, queryId?: bigint }): Promise<void> {
    await provider.internal(via, { value: opts.value, sendMode: SendMode.PAY_GAS_SEPARATELY, body: startUnbondBody(opts) })
  }

  async sendWithdrawStake (provider: ContractProvider, via: Sender, opts: { value: bigint, queryId?: bigint }): Promise<void> {
    await provider.internal(via, { value: opts.value, sendMode: SendMode.PAY_GAS_SEPARATELY, body: withdrawStakeBody(opts) })
  }

  /** An empty-body transfer adds to the stake. */
  async sendTopUp (provider: ContractProvider, via: Sender, value: bigint): Promise<void> {
    await provider.internal(via, { value, sendMode: SendMode.PAY_GAS_SEPARATELY })
  }

  /** The entry, or null when no contract lives at this address (never registered, or withdrawn). */
  async getEntry (provider: ContractProvider): Promise<WorkerEntryState | null> {
    const state = await provider.getState()
    if (state.state.type !== 'active') return null
    const { stack } = await provider.get('get_entry', [])
    return readWorkerEntryState(stack)
  }
}
