import { ed25519 } from '@noble/curves/ed25519.js'
import { type Address, toNano, type Transaction } from '@ton/core'
import { Blockchain, type SandboxContract, type TreasuryContract } from '@ton/sandbox'
import { flattenTransaction } from '@ton/test-utils'
import { Registry } from '../../contracts/wrappers/Registry.js'
import { WorkerEntry } from '../../contracts/wrappers/WorkerEntry.js'
import type { RegistryParams, WorkerCert } from '../../contracts/wrappers/codec.js'
import { registerClaimHash } from '../../contracts/wrappers/messages.js'

export const T0 = 1_700_000_000
export const PARAMS: RegistryParams = { minStake: toNano('1'), proxyFeeBps: 500, unbondingDelay: 60, certMaxLifetime: 86_400 }
export const IMAGE = Uint8Array.from(Buffer.alloc(32, 0x11))
export const MODEL = Uint8Array.from(Buffer.alloc(32, 0x22))
export const ROOT = Uint8Array.from(Buffer.alloc(32, 0x33))

export function hash32 (byte: number): Uint8Array {
  return Uint8Array.from(Buffer.alloc(32, byte))
}

export interface WorkerKeys { secretKey: Uint8Array, publicKey: Uint8Array }

export function newWorkerKeys (): WorkerKeys {
  const secretKey = ed25519.utils.randomSecretKey()
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) }
}

export function signClaim (keys: WorkerKeys, registry: Address, owner: Address, cert: WorkerCert): Uint8Array {
  return ed25519.sign(registerClaimHash(registry, owner, cert), keys.secretKey)
}

export function certFor (byte: number, expiresAt = T0 + 3600): WorkerCert {
  return { certHash: hash32(byte), imageHash: IMAGE, expiresAt }
}

export interface World {
  chain: Blockchain
  admin: SandboxContract<TreasuryContract>
  owner: SandboxContract<TreasuryContract>
  stranger: SandboxContract<TreasuryContract>
  registry: SandboxContract<Registry>
}

export async function createWorld (): Promise<World> {
  const chain = await Blockchain.create()
  chain.now = T0
  const admin = await chain.treasury('admin')
  const owner = await chain.treasury('owner')
  const stranger = await chain.treasury('stranger')
  const registry = chain.openContract(Registry.createFromConfig({
    admin: admin.address,
    params: PARAMS,
    allowedImages: [IMAGE],
    allowedModels: [MODEL],
    acceptedRoots: [ROOT]
  }))
  const res = await registry.sendDeploy(admin.getSender(), toNano('0.5'))
  const deployed = res.transactions.some(t => flattenTransaction(t).to?.equals(registry.address) === true && flattenTransaction(t).deploy)
  if (!deployed) throw new Error('registry did not deploy')
  return { chain, admin, owner, stranger, registry }
}

export function entryOf (world: World, workerKey: Uint8Array): SandboxContract<WorkerEntry> {
  return world.chain.openContract(WorkerEntry.createFromConfig({ registry: world.registry.address, workerKey }))
}

/** Registers a fresh worker key from `owner` with 2 TON and returns its keys and entry. */
export async function registerWorker (world: World, cert = certFor(0xaa), value = toNano('2')) {
  const keys = newWorkerKeys()
  const signature = signClaim(keys, world.registry.address, world.owner.address, cert)
  const result = await world.registry.sendRegisterWorker(world.owner.getSender(), { value, workerKey: keys.publicKey, cert, signature })
  return { keys, result, entry: entryOf(world, keys.publicKey) }
}

/** Gas used by the compute phase of a transaction (0 when it was skipped). */
export function gasUsed (tx: Transaction): bigint {
  const d = tx.description
  if (d.type !== 'generic' || d.computePhase.type !== 'vm') return 0n
  return d.computePhase.gasUsed
}

/** Gas of the transaction on `to` in a result, found by destination. */
export function gasAt (transactions: Transaction[], to: Address): bigint {
  const tx = transactions.find(t => flattenTransaction(t).to?.equals(to) === true)
  if (tx == null) throw new Error(`no transaction on ${to.toString()}`)
  return gasUsed(tx)
}

/** Gas and fees per operation, printed once after the suite (a report, not an assertion). */
export const gasReport = new Map<string, { gas: string, feesTon: string }>()

/**
 * Records the gas of each contract transaction (the sending treasury's own transaction, the
 * first one, is left out) and the fees of the whole message chain, wallet included.
 */
export function recordGas (name: string, transactions: Transaction[]): void {
  const gas = transactions.slice(1).map(gasUsed).filter(g => g > 0n).join(' + ')
  const fees = transactions.reduce((sum, t) => sum + t.totalFees.coins, 0n)
  gasReport.set(name, { gas, feesTon: (Number(fees) / 1e9).toFixed(6) })
}
