/**
 * Chain benchmark: registry lookup time through the devnet (TonClient over HTTP, as nodes do)
 * and gas / TON cost of register, renew, unbond and withdraw (measured in the emulator, whose
 * default config is mainnet's).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ed25519 } from '@noble/curves/ed25519.js'
import { type Address, toNano, type Transaction } from '@ton/core'
import { Blockchain } from '@ton/sandbox'
import { flattenTransaction } from '@ton/test-utils'
import { configureRegistry } from '../contracts/chain/admin.js'
import { RegistryView } from '../contracts/chain/registry-view.js'
import { loadOrCreateMnemonic, requestFaucet, walletFromMnemonic } from '../contracts/chain/wallet.js'
import { ensureWorkerRegistered } from '../contracts/chain/worker.js'
import { DEVNET_REGISTRY_PARAMS } from '../contracts/constants.js'
import { startDevnet } from '../contracts/devnet/devnet.js'
import { Registry } from '../contracts/wrappers/Registry.js'
import { WorkerEntry } from '../contracts/wrappers/WorkerEntry.js'
import { registerClaimHash } from '../contracts/wrappers/messages.js'

const IMAGE = Uint8Array.from(Buffer.alloc(32, 0x11))

function gasOf (txs: Transaction[]): number {
  // the first transaction is the sending wallet's; count the contracts' gas only
  return txs.slice(1).reduce((sum, t) => {
    const d = t.description
    return sum + (d.type === 'generic' && d.computePhase.type === 'vm' ? Number(d.computePhase.gasUsed) : 0)
  }, 0)
}

/**
 * The transactions of one operation, once every one of them succeeded and it reached each contract in `mustReach`.
 * A refused step bounces and still burns gas, so without this a failing register or renew would be reported
 * as a (cheaper) cost of the real thing.
 */
function succeeded (operation: string, txs: Transaction[], mustReach: Address[]): Transaction[] {
  txs.forEach((t, i) => {
    const f = flattenTransaction(t)
    if (f.success !== true || f.aborted || f.inMessageBounced === true) {
      throw new Error(`chain bench: ${operation} failed at transaction ${i} on ${f.to?.toString() ?? '?'} ` +
        `(exit code ${f.exitCode ?? 'none'}, action result ${f.actionResultCode ?? 'none'}${f.inMessageBounced === true ? ', a bounce' : ''}); its gas would be meaningless`)
    }
  })
  for (const address of mustReach) {
    if (!txs.some(t => flattenTransaction(t).to?.equals(address) === true)) {
      throw new Error(`chain bench: ${operation} never reached ${address.toString()}`)
    }
  }
  return txs
}

function tonOf (txs: Transaction[]): number {
  return Number(txs.reduce((s, t) => s + t.totalFees.coins, 0n)) / 1e9
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

async function timeEach (n: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await fn()
    times.push(performance.now() - t0)
  }
  return Number(median(times).toFixed(3))
}

async function sandboxCosts (): Promise<Record<string, number>> {
  const chain = await Blockchain.create()
  chain.now = 1_700_000_000
  const admin = await chain.treasury('admin')
  const owner = await chain.treasury('owner')
  const registry = chain.openContract(Registry.createFromConfig({ admin: admin.address, params: DEVNET_REGISTRY_PARAMS, allowedImages: [IMAGE] }))
  await registry.sendDeploy(admin.getSender(), toNano('1'))
  const sk = ed25519.utils.randomSecretKey()
  const workerKey = ed25519.getPublicKey(sk)
  const cert = { certHash: Buffer.alloc(32, 1), imageHash: IMAGE, expiresAt: chain.now + 3600 }
  const signature = ed25519.sign(registerClaimHash(registry.address, owner.address, cert), sk)
  const entry = chain.openContract(WorkerEntry.createFromConfig({ registry: registry.address, workerKey }))

  const reg = succeeded('register', (await registry.sendRegisterWorker(owner.getSender(), { value: toNano('1.1'), workerKey, cert, signature })).transactions, [registry.address, entry.address])
  const renew = succeeded('renew', (await registry.sendRenewWorker(owner.getSender(), { value: toNano('0.05'), workerKey, cert: { ...cert, certHash: Buffer.alloc(32, 2) } })).transactions, [registry.address, entry.address])
  const unbond = succeeded('unbond', (await entry.sendStartUnbond(owner.getSender(), { value: toNano('0.05') })).transactions, [entry.address])
  chain.now += DEVNET_REGISTRY_PARAMS.unbondingDelay
  const withdraw = succeeded('withdraw', (await entry.sendWithdrawStake(owner.getSender(), { value: toNano('0.05') })).transactions, [entry.address])
  return {
    registerGas: gasOf(reg),
    registerFeesTon: tonOf(reg),
    renewGas: gasOf(renew),
    renewFeesTon: tonOf(renew),
    unbondGas: gasOf(unbond),
    unbondFeesTon: tonOf(unbond),
    withdrawGas: gasOf(withdraw),
    withdrawFeesTon: tonOf(withdraw)
  }
}

async function devnetLookups (): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'cocoon-bench-chain-'))
  const devnet = await startDevnet({ port: 0, dataDir: join(dir, 'chain') })
  try {
    await configureRegistry({ endpoint: devnet.url, registry: devnet.registryAddress, adminMnemonic: devnet.adminMnemonic, pollMs: 50, acceptRoots: [], allowImages: [IMAGE], allowModels: [] })
    const mnemonic = await loadOrCreateMnemonic(join(dir, 'worker'))
    const wallet = await walletFromMnemonic(mnemonic)
    await requestFaucet(devnet.url, wallet.address, toNano('3'))
    const sk = ed25519.utils.randomSecretKey()
    const workerKey = ed25519.getPublicKey(sk)
    const t0 = performance.now()
    await ensureWorkerRegistered({
      endpoint: devnet.url,
      registry: devnet.registryAddress,
      walletMnemonic: mnemonic,
      workerKey,
      certHash: Buffer.alloc(32, 1),
      imageHash: IMAGE,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
      stake: toNano('1'),
      signWithWorkerKey: m => ed25519.sign(m, sk),
      pollMs: 50
    })
    const registerMs = performance.now() - t0
    const uncached = new RegistryView({ endpoint: devnet.url, registry: devnet.registryAddress, cacheTtlMs: 0 })
    const cached = new RegistryView({ endpoint: devnet.url, registry: devnet.registryAddress })
    await uncached.workerEntry(workerKey) // resolves and keeps the entry address
    await cached.workerEntry(workerKey)
    return {
      devnetEnsureRegisteredMs: Number(registerMs.toFixed(1)),
      lookupWorkerEntryP50Ms: await timeEach(50, async () => await uncached.workerEntry(workerKey)),
      lookupImageAllowedP50Ms: await timeEach(50, async () => await uncached.isImageAllowed(IMAGE)),
      lookupAcceptedRootsP50Ms: await timeEach(50, async () => await uncached.acceptedRoots()),
      lookupWorkerEntryCachedP50Ms: await timeEach(50, async () => await cached.workerEntry(workerKey))
    }
  } finally {
    await devnet.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

export async function run (): Promise<Record<string, number | string>> {
  return { ...(await sandboxCosts()), ...(await devnetLookups()) }
}
