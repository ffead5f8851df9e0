import type { Address } from '@ton/core'
import { pino, type Logger } from 'pino'
import { OPERATION_VALUE, REGISTER_FEE_MARGIN, TX_POLL_INTERVAL_MS, TX_TIMEOUT_MS } from '../constants.js'
import { RegistryStateError, TransactionTimeoutError } from '../errors.js'
import { EntryStatus } from '../opcodes.js'
import { Registry } from '../wrappers/Registry.js'
import { WorkerEntry, type WorkerEntryState } from '../wrappers/WorkerEntry.js'
import { toAddress, type WorkerCert } from '../wrappers/codec.js'
import { registerClaimHash, registerWorkerBody, renewWorkerBody, startUnbondBody, withdrawStakeBody } from '../wrappers/messages.js'
import { createTonClient, sleep } from './client.js'
import { checkRegistration } from './preflight.js'
import { sendAndWait, walletFromMnemonic } from './wallet.js'

export interface WorkerChainOptions {
  endpoint: string
  apiKey?: string
  registry: Address | string
  /** Mnemonic of the worker's own wallet, which owns the entry and pays the stake. */
  walletMnemonic: string[]
  /** ed25519 public key of the worker's libp2p identity, 32 bytes. */
  workerKey: Uint8Array
  logger?: Logger
  /** @default TX_TIMEOUT_MS */
  timeoutMs?: number
  /** @default TX_POLL_INTERVAL_MS */
  pollMs?: number
}

export interface EnsureWorkerOptions extends WorkerChainOptions {
  certHash: Uint8Array
  imageHash: Uint8Array
  /** Unix seconds. */
  expiresAt: number
  /** nanoTON to stake when registering (at least the registry's minStake). */
  stake: bigint
  /**
   * Signs with the worker's libp2p private key (ed25519); a libp2p `PrivateKey.sign` fits.
   * The registry only accepts a register signed by the key it registers.
   */
  signWithWorkerKey: (message: Uint8Array) => Uint8Array | Promise<Uint8Array>
  /**
   * sha256 of the root CA the certificate's quote chains to. When given, a root the registry does not accept fails
   * before anything is sent (the registry contract never sees roots; proxies would refuse the worker).
   */
  rootHash?: Uint8Array
  /** Milliseconds clock for the expiry checks. @default Date.now */
  now?: () => number
}

async function context (opts: WorkerChainOptions) {
  const client = createTonClient(opts)
  const wallet = await walletFromMnemonic(opts.walletMnemonic)
  const registry = client.open(Registry.createFromAddress(toAddress(opts.registry)))
  const entryAddress = await registry.getEntryAddress(opts.workerKey)
  const entry = client.open(WorkerEntry.createFromAddress(entryAddress))
  const send = { timeoutMs: opts.timeoutMs, pollMs: opts.pollMs, logger: opts.logger }
  return { client, wallet, registry, entry, entryAddress, send }
}

/** Polls the entry until `done` holds for its state (the register/renew chain takes a few blocks). */
async function waitForEntry (entry: { getEntry: () => Promise<WorkerEntryState | null> }, done: (s: WorkerEntryState | null) => boolean, opts: WorkerChainOptions, what: string): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? TX_TIMEOUT_MS)
  for (;;) {
    if (done(await entry.getEntry())) return
    if (Date.now() > deadline) throw new TransactionTimeoutError(`${what}: entry did not change in time`)
    await sleep(opts.pollMs ?? TX_POLL_INTERVAL_MS)
  }
}

function sameCert (s: WorkerEntryState, cert: WorkerCert): boolean {
  return Buffer.from(s.certHash).equals(Buffer.from(cert.certHash)) &&
    Buffer.from(s.imageHash).equals(Buffer.from(cert.imageHash)) &&
    s.expiresAt === cert.expiresAt
}

/**
 * Makes the registry hold this worker with this certificate: deploys the entry with the stake
 * when absent, renews it when the certificate hash, image or expiry differ, else does nothing.
 * Returns the entry address.
 */
export async function ensureWorkerRegistered (opts: EnsureWorkerOptions): Promise<Address> {
  const log = opts.logger ?? pino({ level: 'silent' })
  const { wallet, registry, entry, entryAddress, send, client } = await context(opts)
  const cert: WorkerCert = { certHash: opts.certHash, imageHash: opts.imageHash, expiresAt: opts.expiresAt }
  const state = await entry.getEntry()

  const nowSeconds = Math.floor((opts.now ?? Date.now)() / 1000)
  const toCheck = { imageHash: opts.imageHash, expiresAt: opts.expiresAt, rootHash: opts.rootHash, nowSeconds }

  if (state == null || state.status === EntryStatus.Empty) {
    await checkRegistration(registry, { ...toCheck, stake: opts.stake })
    const signature = await opts.signWithWorkerKey(registerClaimHash(registry.address, wallet.address, cert))
    await sendAndWait(client, wallet, [{
      to: registry.address,
      value: opts.stake + REGISTER_FEE_MARGIN,
      body: registerWorkerBody({ workerKey: opts.workerKey, cert, signature })
    }], send)
    await waitForEntry(entry, s => s?.status === EntryStatus.Active, opts, 'register')
    log.info({ entry: entryAddress.toString(), stake: opts.stake.toString() }, 'registered worker entry')
    return entryAddress
  }

  if (state.owner == null || !state.owner.equals(wallet.address)) {
    throw new RegistryStateError(`entry ${entryAddress.toString()} is owned by ${state.owner?.toString() ?? 'nobody'}, not by this wallet`)
  }
  if (state.status !== EntryStatus.Active) {
    const why = state.status === EntryStatus.Slashed ? 'was slashed' : 'is unbonding (withdraw it first)'
    throw new RegistryStateError(`entry ${entryAddress.toString()} ${why}`)
  }
  if (sameCert(state, cert)) {
    log.debug({ entry: entryAddress.toString() }, 'worker entry already up to date')
    return entryAddress
  }
  await checkRegistration(registry, toCheck)
  await sendAndWait(client, wallet, [{ to: registry.address, value: OPERATION_VALUE, body: renewWorkerBody({ workerKey: opts.workerKey, cert }) }], send)
  await waitForEntry(entry, s => s != null && sameCert(s, cert), opts, 'renew')
  log.info({ entry: entryAddress.toString(), expiresAt: cert.expiresAt }, 'renewed worker entry')
  return entryAddress
}

/** Starts unbonding the worker's entry; the stake can be withdrawn after the registry's delay. Returns withdrawAfter (unix s). */
export async function unbondWorker (opts: WorkerChainOptions): Promise<number> {
  const { wallet, entry, entryAddress, send, client } = await context(opts)
  const state = await entry.getEntry()
  if (state?.status !== EntryStatus.Active) throw new RegistryStateError(`entry ${entryAddress.toString()} is not active`)
  await sendAndWait(client, wallet, [{ to: entryAddress, value: OPERATION_VALUE, body: startUnbondBody() }], send)
  let withdrawAfter = 0
  await waitForEntry(entry, s => { withdrawAfter = s?.withdrawAfter ?? 0; return s?.status === EntryStatus.Unbonding }, opts, 'unbond')
  return withdrawAfter
}

/** Withdraws the whole stake of an unbonded entry to the wallet; the entry is destroyed. */
export async function withdrawWorkerStake (opts: WorkerChainOptions & { now?: () => number }): Promise<void> {
  const { wallet, entry, entryAddress, send, client } = await context(opts)
  const state = await entry.getEntry()
  if (state?.status !== EntryStatus.Unbonding) throw new RegistryStateError(`entry ${entryAddress.toString()} is not unbonding`)
  const nowS = Math.floor((opts.now ?? Date.now)() / 1000)
  if (nowS < state.withdrawAfter) {
    throw new RegistryStateError(`entry ${entryAddress.toString()} can withdraw in ${state.withdrawAfter - nowS} s`)
  }
  await sendAndWait(client, wallet, [{ to: entryAddress, value: OPERATION_VALUE, body: withdrawStakeBody() }], send)
  await waitForEntry(entry, s => s == null, opts, 'withdraw')
}
