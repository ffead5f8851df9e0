import { Address, fromNano, toNano } from '@ton/core'
import type { Logger } from 'pino'
import {
  createTonClient, ensureWorkerRegistered, EntryStatus, InsufficientFundsError, isDevnet, loadOrCreateMnemonic, Registry,
  requestFaucet, walletFromMnemonic, WorkerEntry, OPERATION_VALUE, REGISTER_FEE_MARGIN, WALLET_FEE_RESERVE
} from '../../contracts/index.js'
import type { PrivateKey } from '@libp2p/interface'
import { decodeCertificate } from '../../protocols/attestation/certificate.js'
import { parseTdxQuote } from '../../protocols/attestation/quote.js'
import { rootCaHash } from '../../protocols/attestation/roots.js'
import type { IssuedCertificate } from '../../protocols/attestation/issue.js'

export interface WorkerChainInit {
  endpoint: string
  apiKey?: string
  registry: string
  dataDir: string
  privateKey: PrivateKey
  logger: Logger
  /** Tells a devnet (which has a faucet) from a real chain. @default isDevnet */
  isDevnet?: (endpoint: string) => Promise<boolean>
}

/** What a devnet faucet adds on top of what is missing, so that renewals do not need it again. */
const DEVNET_TOP_UP = toNano('1')

/** What an anchor costs the wallet: the operation's value plus what the wallet keeps for its own fees. */
export function fundsNeeded (entryActive: boolean, minStake: bigint): bigint {
  return entryActive
    ? OPERATION_VALUE + WALLET_FEE_RESERVE
    : minStake + REGISTER_FEE_MARGIN + WALLET_FEE_RESERVE
}

/**
 * The worker's side of the chain: its wallet (mnemonic in the data dir), funding from the devnet faucet where
 * there is one, and its registry entry anchored to the current certificate.
 */
export class WorkerChain {
  private readonly init: WorkerChainInit
  private mnemonic?: string[]
  address?: string

  constructor (init: WorkerChainInit) {
    this.init = init
  }

  /** The wallet address (payout default), creating the wallet key on first use. */
  async walletAddress (): Promise<string> {
    this.mnemonic ??= await loadOrCreateMnemonic(this.init.dataDir)
    const wallet = await walletFromMnemonic(this.mnemonic)
    this.address = wallet.address.toString({ bounceable: false })
    return this.address
  }

  /**
   * Registers the worker's entry with the registry's minimum stake, or renews it when it is already active. A
   * renewal needs only its operation value: the stake is already held by the entry, not by the wallet.
   */
  async anchor (cert: IssuedCertificate): Promise<void> {
    const { endpoint, apiKey, registry, logger } = this.init
    this.mnemonic ??= await loadOrCreateMnemonic(this.init.dataDir)
    const client = createTonClient({ endpoint, apiKey })
    const root = client.open(Registry.createFromAddress(Address.parse(registry)))
    const workerKey = this.init.privateKey.publicKey.raw
    const [params, entryAddress] = await Promise.all([root.getParams(), root.getEntryAddress(workerKey)])
    const state = await client.open(WorkerEntry.createFromAddress(entryAddress)).getEntry()
    const active = state?.status === EntryStatus.Active
    await this.ensureFunds(fundsNeeded(active, params.minStake))
    const entry = await ensureWorkerRegistered({
      endpoint,
      apiKey,
      registry,
      walletMnemonic: this.mnemonic,
      workerKey,
      certHash: cert.hash,
      imageHash: cert.claims.imageHash,
      expiresAt: cert.claims.notAfter,
      rootHash: rootHashOf(cert),
      stake: params.minStake,
      signWithWorkerKey: async m => this.init.privateKey.sign(m),
      logger
    })
    logger.info({ entry: entry.toString(), renewed: active, stake: fromNano(active ? state.stake : params.minStake) }, 'registry entry anchored to certificate')
  }

  /** Tops the wallet up from the faucet if it has less than `needed` and the chain is a devnet; otherwise says how to fund it. */
  private async ensureFunds (needed: bigint): Promise<void> {
    const { endpoint, apiKey, logger } = this.init
    const wallet = await walletFromMnemonic(this.mnemonic!)
    const client = createTonClient({ endpoint, apiKey })
    const balance = await client.getBalance(wallet.address)
    if (balance >= needed) return
    const address = wallet.address.toString({ bounceable: false })
    if (!(await (this.init.isDevnet ?? isDevnet)(endpoint))) {
      throw new InsufficientFundsError(`worker wallet ${address} holds ${fromNano(balance)} TON and needs ${fromNano(needed)} TON for its registry entry and fees; send it at least ${fromNano(needed - balance)} TON`)
    }
    const amount = needed - balance + DEVNET_TOP_UP
    await requestFaucet(endpoint, wallet.address, amount)
    logger.info({ wallet: address, amount: fromNano(amount) }, 'wallet funded from the devnet faucet')
  }
}

/** sha256 of the root CA the certificate's quote chains to, so a root the registry does not accept fails at once. */
function rootHashOf (cert: IssuedCertificate): Uint8Array {
  return rootCaHash(parseTdxQuote(decodeCertificate(cert.bytes).message.quote).rootDer)
}
