import { Address, beginCell, Cell, external, loadMessage, type SenderArguments, storeMessage, type Transaction } from '@ton/core'
import type { SandboxContract, TreasuryContract } from '@ton/sandbox'
import { DEVNET_FAUCET_MAX } from '../constants.js'
import { DevnetRequestError } from '../errors.js'
import type { ChainStore } from './chain-store.js'
import { blockIdJson, transactionJson } from './format.js'
import { stackFromJson, stackToJson } from './stack.js'

/**
 * The toncenter v2 JSON-RPC subset that TonClient calls, served from the emulator, plus
 * `faucet`. Every handler runs inside ChainStore.run(), so state access is serialised.
 *
 * Devnet-only methods:
 *   devnet {} -> { "@type": "devnet", faucetMax }   how a node tells a devnet from a real chain (which has no faucet).
 *   faucet { address: string (any address form), amount: string (nanoTON, at most 100,000 TON) }
 *     -> { "@type": "ok", lt, hash }   the transfer (non-bounceable) is on chain when this answers.
 */
export type RpcParams = Record<string, unknown>
export type RpcHandler = (params: RpcParams) => Promise<unknown>

export interface RpcContext {
  store: ChainStore
  faucet: SandboxContract<TreasuryContract>
}

function addressParam (params: RpcParams, name = 'address'): Address {
  const v = params[name]
  if (typeof v !== 'string') throw new DevnetRequestError(`missing ${name}`)
  try {
    return Address.parse(v)
  } catch {
    throw new DevnetRequestError(`bad ${name}: ${v}`)
  }
}

function cellParam (params: RpcParams, name: string): Cell | undefined {
  const v = params[name]
  if (v == null || v === '') return undefined
  if (typeof v !== 'string') throw new DevnetRequestError(`${name} must be a base64 BOC`)
  try {
    return Cell.fromBase64(v)
  } catch {
    throw new DevnetRequestError(`${name} is not a valid BOC`)
  }
}

export function createRpcHandlers ({ store, faucet }: RpcContext): Record<string, RpcHandler> {
  const chain = store.sandbox

  return {
    async getAddressInformation (params) {
      const address = addressParam(params)
      const contract = await chain.getContract(address)
      const state = contract.accountState
      const active = state?.type === 'active' ? state.state : null
      const lastHash = Buffer.from(contract.lastTransactionHash.toString(16).padStart(64, '0'), 'hex')
      return {
        '@type': 'raw.fullAccountState',
        balance: contract.balance.toString(),
        extra_currencies: [],
        state: state?.type === 'active' ? 'active' : state?.type === 'frozen' ? 'frozen' : 'uninitialized',
        code: active?.code?.toBoc({ idx: false }).toString('base64') ?? '',
        data: active?.data?.toBoc({ idx: false }).toString('base64') ?? '',
        frozen_hash: '',
        last_transaction_id: { '@type': 'internal.transactionId', lt: contract.lastTransactionLt.toString(), hash: lastHash.toString('base64') },
        block_id: blockIdJson(store.seqno),
        sync_utime: chain.now ?? Math.floor(Date.now() / 1000)
      }
    },

    async runGetMethod (params) {
      const address = addressParam(params)
      const method = params.method
      if (typeof method !== 'string' && typeof method !== 'number') throw new DevnetRequestError('missing method')
      const contract = await chain.getContract(address)
      if (contract.accountState?.type !== 'active') {
        // what a liteserver answers for a get method on an account without code
        return { '@type': 'smc.runResult', gas_used: 0, stack: [], exit_code: -13 }
      }
      store.tick()
      const res = await contract.get(method, stackFromJson(params.stack)).catch((err: { exitCode?: number, gasUsed?: bigint }) => {
        if (typeof err?.exitCode === 'number') return { exitCode: err.exitCode, gasUsed: err.gasUsed ?? 0n, stack: [] }
        throw err
      })
      return { '@type': 'smc.runResult', gas_used: Number(res.gasUsed), exit_code: res.exitCode, stack: stackToJson(res.stack) }
    },

    async sendBoc (params) {
      const cell = cellParam(params, 'boc')
      if (cell == null) throw new DevnetRequestError('missing boc')
      const message = loadMessage(cell.beginParse())
      if (message.info.type !== 'external-in') throw new DevnetRequestError('sendBoc takes an external message')
      try {
        await store.apply(message)
      } catch (err) {
        throw new DevnetRequestError(`cannot apply external message to current state: ${(err as Error).message}`)
      }
      return { '@type': 'ok' }
    },

    async getTransactions (params) {
      const address = addressParam(params)
      const limit = Math.max(1, Math.min(Number(params.limit ?? 10), 1000))
      let txs = store.transactionsOf(address)
      if (params.lt != null && params.lt !== '') {
        const lt = BigInt(String(params.lt))
        const hash = typeof params.hash === 'string' && params.hash !== '' ? normaliseHash(params.hash) : null
        const start = txs.findIndex(t => t.lt === lt && (hash == null || t.hash().equals(hash)))
        if (start < 0) throw new DevnetRequestError(`transaction ${String(params.lt)} not found`)
        txs = txs.slice(start)
      }
      if (params.to_lt != null && params.to_lt !== '' && String(params.to_lt) !== '0') {
        const toLt = BigInt(String(params.to_lt))
        txs = txs.filter(t => t.lt > toLt)
      }
      return txs.slice(0, limit).map((t: Transaction) => transactionJson(t, address))
    },

    async getMasterchainInfo () {
      return {
        '@type': 'blocks.masterchainInfo',
        last: blockIdJson(store.seqno),
        init: blockIdJson(0),
        state_root_hash: blockIdJson(store.seqno).root_hash
      }
    },

    async estimateFee (params) {
      const address = addressParam(params)
      const body = cellParam(params, 'body') ?? beginCell().endCell()
      const code = cellParam(params, 'init_code')
      const data = cellParam(params, 'init_data')
      const message = external({ to: address, body, init: code != null && data != null ? { code, data } : undefined })
      // Run it for real on a snapshot, then roll back: exact fees, no state change.
      const snapshot = chain.snapshot()
      let txs: Transaction[]
      try {
        store.tick()
        const result = await chain.sendMessage(beginCell().store(storeMessage(message)).endCell(), { ignoreChksig: params.ignore_chksig === true })
        txs = result.transactions
      } catch (err) {
        throw new DevnetRequestError(`cannot apply external message to current state: ${(err as Error).message}`)
      } finally {
        await chain.loadFrom(snapshot)
      }
      const first = txs[0]
      const d = first?.description
      const gas = d?.type === 'generic' && d.computePhase.type === 'vm' ? d.computePhase.gasFees : 0n
      const storage = d?.type === 'generic' ? d.storagePhase?.storageFeesCollected ?? 0n : 0n
      const fwd = d?.type === 'generic' ? d.actionPhase?.totalFwdFees ?? 0n : 0n
      const total = first?.totalFees.coins ?? 0n
      return {
        '@type': 'query.fees',
        source_fees: {
          '@type': 'fees',
          in_fwd_fee: Number(total - gas - storage > 0n ? total - gas - storage : 0n),
          storage_fee: Number(storage),
          gas_fee: Number(gas),
          fwd_fee: Number(fwd)
        },
        destination_fees: []
      }
    },

    async devnet () {
      return { '@type': 'devnet', faucetMax: DEVNET_FAUCET_MAX.toString() }
    },

    async faucet (params) {
      const address = addressParam(params)
      let amount: bigint
      try {
        amount = BigInt(String(params.amount))
      } catch {
        throw new DevnetRequestError('amount must be an integer number of nanoTON')
      }
      if (amount <= 0n || amount > DEVNET_FAUCET_MAX) throw new DevnetRequestError(`amount must be in 1..${DEVNET_FAUCET_MAX} nanoTON`)
      const txs = await faucetSend(store, faucet, { to: address, value: amount, bounce: false })
      const last = txs[txs.length - 1]
      return { '@type': 'ok', lt: last?.lt.toString() ?? '0', hash: last?.hash().toString('base64') ?? '' }
    }
  }
}

/** Sends from the emulator's faucet treasury; records and persists like any other change. */
export async function faucetSend (store: ChainStore, faucet: SandboxContract<TreasuryContract>, args: SenderArguments): Promise<Transaction[]> {
  store.tick()
  const result = await faucet.send(args)
  store.record(result.transactions)
  await store.persist()
  return result.transactions
}

/** TonClient sends transaction hashes as hex; accept base64 too. */
function normaliseHash (hash: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(hash) ? Buffer.from(hash, 'hex') : Buffer.from(hash, 'base64')
}
