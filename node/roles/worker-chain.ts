import { Address, fromNano, toNano } from '@ton/core'
import type { Logger } from 'pino'
import {
  createTonClient, ensureWorkerRegistered, loadOrCreateMnemonic, Registry, requestFaucet, walletFromMnemonic, REGISTER_FEE_MARGIN
} from '../../contracts/index.js'
import type { PrivateKey } from '@libp2p/interface'
import type { IssuedCertificate } from '../../protocols/attestation/index.js'

export interface WorkerChainInit {
  endpoint: string
  apiKey?: string
  registry: string
  dataDir: string
  privateKey: PrivateKey
  logger: Logger
}

/** How much above the stake a worker wants in its wallet for fees (register, renewals). */
const FEE_BUDGET = toNano('1')

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

  /** Registers (or renews) the worker's entry with the registry's minimum stake. */
  async anchor (cert: IssuedCertificate): Promise<void> {
    const { endpoint, apiKey, registry, logger } = this.init
    this.mnemonic ??= await loadOrCreateMnemonic(this.init.dataDir)
    const client = createTonClient({ endpoint, apiKey })
    const params = await client.open(Registry.createFromAddress(Address.parse(registry))).getParams()
    await this.ensureFunds(params.minStake + REGISTER_FEE_MARGIN + FEE_BUDGET)
    const entry = await ensureWorkerRegistered({
      endpoint,
      apiKey,
      registry,
      walletMnemonic: this.mnemonic,
      workerKey: this.init.privateKey.publicKey.raw,
      certHash: cert.hash,
      imageHash: cert.claims.imageHash,
      expiresAt: cert.claims.notAfter,
      stake: params.minStake,
      signWithWorkerKey: async m => this.init.privateKey.sign(m),
      logger
    })
    logger.info({ entry: entry.toString(), stake: fromNano(params.minStake) }, 'registry entry anchored to certificate')
  }

  /** Tops the wallet up from the devnet faucet if it has less than `needed`; on a real chain, says how to fund it. */
  private async ensureFunds (needed: bigint): Promise<void> {
    const { endpoint, apiKey, logger } = this.init
    const wallet = await walletFromMnemonic(this.mnemonic!)
    const client = createTonClient({ endpoint, apiKey })
    const balance = await client.getBalance(wallet.address)
    if (balance >= needed) return
    try {
      await requestFaucet(endpoint, wallet.address, needed - balance + FEE_BUDGET)
      logger.info({ wallet: wallet.address.toString(), amount: fromNano(needed - balance + FEE_BUDGET) }, 'wallet funded from the devnet faucet')
    } catch (err) {
      throw new Error(`worker wallet ${wallet.address.toString({ bounceable: false })} holds ${fromNano(balance)} TON and needs ${fromNano(needed)} TON for its stake and fees; fund it (${(err as Error).message})`)
    }
  }
}
