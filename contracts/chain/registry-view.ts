import type { Address, OpenedContract } from '@ton/core'
import type { TonClient } from '@ton/ton'
import { REGISTRY_CACHE_TTL_MS } from '../constants.js'
import { ChainRequestError, InvalidArgumentError } from '../errors.js'
import { EntryStatus } from '../opcodes.js'
import { Registry } from '../wrappers/Registry.js'
import { WorkerEntry } from '../wrappers/WorkerEntry.js'
import { toAddress } from '../wrappers/codec.js'
import { createTonClient } from './client.js'

/** What a node needs to know about one worker (the attestation code is written against this shape). */
export interface RegistryWorkerEntry {
  certHash: Uint8Array
  imageHash: Uint8Array
  /** Unix seconds. */
  expiresAt: number
  /** nanoTON held by the entry. */
  stake: bigint
  /** Registered, not unbonding, not slashed. */
  active: boolean
}

export interface RegistryViewInit {
  endpoint?: string
  apiKey?: string
  /** Use this client instead of making one from endpoint / apiKey. */
  client?: TonClient
  registry: Address | string
  /** 0 switches the cache off. @default REGISTRY_CACHE_TTL_MS */
  cacheTtlMs?: number
  /** Milliseconds clock, injectable for tests. @default Date.now */
  now?: () => number
}

/** Read-only view of the registry through TonClient, with a short TTL cache. */
export class RegistryView {
  readonly address: Address
  private readonly registry: OpenedContract<Registry>
  private readonly client: TonClient
  private readonly ttl: number
  private readonly now: () => number
  private readonly cache = new Map<string, { value: unknown, until: number }>()
  /** Entry addresses never change for a key, so they are cached for good. */
  private readonly entryAddresses = new Map<string, Address>()

  constructor (init: RegistryViewInit) {
    if (init.client == null && init.endpoint == null) throw new ChainRequestError('RegistryView needs an endpoint or a client')
    this.client = init.client ?? createTonClient({ endpoint: init.endpoint as string, apiKey: init.apiKey })
    this.address = toAddress(init.registry)
    this.registry = this.client.open(Registry.createFromAddress(this.address))
    this.ttl = init.cacheTtlMs ?? REGISTRY_CACHE_TTL_MS
    this.now = init.now ?? Date.now
  }

  /** sha256 of each accepted attestation root CA certificate (DER). */
  async acceptedRoots (): Promise<Uint8Array[]> {
    return await this.cached('roots', async () => (await this.registry.getAllowLists()).roots)
  }

  async isImageAllowed (imageHash: Uint8Array): Promise<boolean> {
    return await this.cached(`image:${hex(imageHash)}`, async () => await this.registry.getIsImageAllowed(imageHash))
  }

  async isModelAllowed (modelHash: Uint8Array): Promise<boolean> {
    return await this.cached(`model:${hex(modelHash)}`, async () => await this.registry.getIsModelAllowed(modelHash))
  }

  async workerEntry (workerKey: Uint8Array): Promise<RegistryWorkerEntry | null> {
    return await this.cached(`entry:${hex(workerKey)}`, async () => {
      const entry = this.client.open(WorkerEntry.createFromAddress(await this.entryAddress(workerKey)))
      const state = await entry.getEntry()
      if (state == null || state.status === EntryStatus.Empty) return null
      return {
        certHash: state.certHash,
        imageHash: state.imageHash,
        expiresAt: state.expiresAt,
        stake: state.stake,
        active: state.status === EntryStatus.Active
      }
    })
  }

  /** The entry address for a worker key, as the registry on chain computes it. */
  async entryAddress (workerKey: Uint8Array): Promise<Address> {
    const key = hex(workerKey)
    let address = this.entryAddresses.get(key)
    if (address == null) {
      address = await this.registry.getEntryAddress(workerKey)
      this.entryAddresses.set(key, address)
    }
    return address
  }

  /** Forget cached answers, e.g. after this node changed the registry itself. */
  invalidate (): void {
    this.cache.clear()
  }

  private async cached<T> (key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key)
    const now = this.now()
    if (hit != null && hit.until > now) return hit.value as T
    let value: T
    try {
      value = await load()
    } catch (err) {
      // bad input is the caller's error, not the chain's
      if ((err as Error).name === InvalidArgumentError.name) throw err
      throw new ChainRequestError(`registry ${this.address.toString()}: ${(err as Error).message}`, { cause: err })
    }
    if (this.ttl > 0) this.cache.set(key, { value, until: now + this.ttl })
    return value
  }
}

function hex (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}
