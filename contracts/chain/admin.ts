import type { Address } from '@ton/core'
import type { RegistryParams } from '../wrappers/codec.js'
import { pino, type Logger } from 'pino'
import { OPERATION_VALUE } from '../constants.js'
import { AllowList, type AllowListKind } from '../opcodes.js'
import { Registry } from '../wrappers/Registry.js'
import { toAddress } from '../wrappers/codec.js'
import { slashWorkerBody, updateAllowListBody, updateParamsBody } from '../wrappers/messages.js'
import { createTonClient } from './client.js'
import { type OutgoingMessage, sendAndWait, walletFromMnemonic } from './wallet.js'

export interface AdminOptions {
  endpoint: string
  apiKey?: string
  registry: Address | string
  adminMnemonic: string[]
  logger?: Logger
  timeoutMs?: number
  pollMs?: number
}

export interface ConfigureRegistryOptions extends AdminOptions {
  /** sha256 of each attestation root CA certificate (DER) to accept. */
  acceptRoots: Uint8Array[]
  /** TEE image hashes to allow. */
  allowImages: Uint8Array[]
  /** sha256 of GGUF files to allow. */
  allowModels: Uint8Array[]
}

/** A wallet sends at most 255 messages in one external message (WalletV5). */
const MAX_MESSAGES_PER_TRANSFER = 255

/**
 * Adds the given hashes to the registry's allow-lists, skipping those already there
 * (idempotent: a second call sends nothing). Returns how many were added.
 */
export async function configureRegistry (opts: ConfigureRegistryOptions): Promise<number> {
  const log = opts.logger ?? pino({ level: 'silent' })
  const client = createTonClient(opts)
  const wallet = await walletFromMnemonic(opts.adminMnemonic)
  const registry = client.open(Registry.createFromAddress(toAddress(opts.registry)))
  const current = await registry.getAllowLists()
  const has = (list: Uint8Array[], h: Uint8Array): boolean => list.some(x => Buffer.from(x).equals(Buffer.from(h)))
  const wanted: Array<[AllowListKind, Uint8Array[], Uint8Array[]]> = [
    [AllowList.Roots, opts.acceptRoots, current.roots],
    [AllowList.Images, opts.allowImages, current.images],
    [AllowList.Models, opts.allowModels, current.models]
  ]
  const messages: OutgoingMessage[] = []
  for (const [list, hashes, present] of wanted) {
    const seen: Uint8Array[] = [...present]
    for (const hash of hashes) {
      if (has(seen, hash)) continue
      seen.push(hash)
      messages.push({ to: registry.address, value: OPERATION_VALUE, body: updateAllowListBody({ list, hash, allowed: true }) })
    }
  }
  for (let i = 0; i < messages.length; i += MAX_MESSAGES_PER_TRANSFER) {
    await sendAndWait(client, wallet, messages.slice(i, i + MAX_MESSAGES_PER_TRANSFER), opts)
  }
  log.info({ registry: registry.address.toString(), added: messages.length }, 'registry configured')
  return messages.length
}

/** Admin: slash a worker; its stake goes to `beneficiary` (default: the admin wallet). */
export async function slashWorker (opts: AdminOptions & { workerKey: Uint8Array, beneficiary?: Address }): Promise<void> {
  const client = createTonClient(opts)
  const wallet = await walletFromMnemonic(opts.adminMnemonic)
  await sendAndWait(client, wallet, [{
    to: toAddress(opts.registry),
    value: OPERATION_VALUE,
    body: slashWorkerBody({ workerKey: opts.workerKey, beneficiary: opts.beneficiary ?? wallet.address })
  }], opts)
}

/**
 * Adds (`allowed` true) or removes hashes on one allow-list, sending only the changes; returns how many it sent.
 * Removing an image or root makes proxies refuse the workers it vouched for within their registry TTL.
 */
export async function setAllowListed (opts: AdminOptions & { list: AllowListKind, hashes: Uint8Array[], allowed: boolean }): Promise<number> {
  const client = createTonClient(opts)
  const wallet = await walletFromMnemonic(opts.adminMnemonic)
  const registry = client.open(Registry.createFromAddress(toAddress(opts.registry)))
  const current = await registry.getAllowLists()
  const present = opts.list === AllowList.Roots ? current.roots : opts.list === AllowList.Images ? current.images : current.models
  const isPresent = (h: Uint8Array): boolean => present.some(x => Buffer.from(x).equals(Buffer.from(h)))
  const changes = opts.hashes.filter((h, i) => isPresent(h) !== opts.allowed && opts.hashes.findIndex(o => Buffer.from(o).equals(Buffer.from(h))) === i)
  const messages: OutgoingMessage[] = changes.map(hash => ({ to: registry.address, value: OPERATION_VALUE, body: updateAllowListBody({ list: opts.list, hash, allowed: opts.allowed }) }))
  for (let i = 0; i < messages.length; i += MAX_MESSAGES_PER_TRANSFER) {
    await sendAndWait(client, wallet, messages.slice(i, i + MAX_MESSAGES_PER_TRANSFER), opts)
  }
  return messages.length
}

/** Admin: replaces the registry parameters (fields left out keep their current value); returns the new ones. */
export async function setRegistryParams (opts: AdminOptions & { params: Partial<RegistryParams> }): Promise<RegistryParams> {
  const client = createTonClient(opts)
  const wallet = await walletFromMnemonic(opts.adminMnemonic)
  const registry = client.open(Registry.createFromAddress(toAddress(opts.registry)))
  const params: RegistryParams = { ...await registry.getParams(), ...opts.params }
  await sendAndWait(client, wallet, [{ to: registry.address, value: OPERATION_VALUE, body: updateParamsBody({ params }) }], opts)
  return params
}

/** Everything a registry's admin or operator wants to see at once. */
export interface RegistrySummary {
  address: string
  admin: string
  pendingAdmin: string | null
  params: RegistryParams
  acceptedRoots: string[]
  allowedImages: string[]
  allowedModels: string[]
}

export async function readRegistrySummary (opts: { endpoint: string, apiKey?: string, registry: Address | string }): Promise<RegistrySummary> {
  const client = createTonClient(opts)
  const registry = client.open(Registry.createFromAddress(toAddress(opts.registry)))
  const [params, admin, lists] = await Promise.all([registry.getParams(), registry.getAdmin(), registry.getAllowLists()])
  const hex = (list: Uint8Array[]): string[] => list.map(h => Buffer.from(h).toString('hex'))
  return {
    address: registry.address.toString(),
    admin: admin.admin.toString(),
    pendingAdmin: admin.pendingAdmin?.toString() ?? null,
    params,
    acceptedRoots: hex(lists.roots),
    allowedImages: hex(lists.images),
    allowedModels: hex(lists.models)
  }
}
