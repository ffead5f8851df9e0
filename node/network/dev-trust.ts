import { configureRegistry, readDevnetInfo } from '../../contracts/index.js'
import { BUILTIN_MODEL_SHA256 } from '../../models/index.js'
import { DEV_IMAGE_HASH, loadOrCreateTestAuthority } from '../../protocols/attestation/index.js'

export interface DevTrustOptions {
  /** Data directory of the devnet (holds devnet.json with the admin key). */
  devnetDir: string
  /** Where the development TEE's test authority lives (shared by every local worker). */
  devTeeDir: string
  /** Extra model hashes (hex) to allow besides the built-in model. */
  modelHashes?: string[]
}

/** What a registry must list to trust the development TEE in `devTeeDir` (created when absent) and the models. */
export interface DevTrustLists {
  acceptRoots: Uint8Array[]
  allowImages: Uint8Array[]
  allowModels: Uint8Array[]
}

export async function devTrustLists (devTeeDir: string, modelHashes: string[] = []): Promise<DevTrustLists> {
  const authority = await loadOrCreateTestAuthority(devTeeDir)
  return {
    acceptRoots: [authority.rootHash],
    allowImages: [DEV_IMAGE_HASH],
    allowModels: [BUILTIN_MODEL_SHA256, ...modelHashes].map(h => Buffer.from(h, 'hex'))
  }
}

/**
 * Makes a devnet registry trust the development TEE: accepts the test authority's root, allows the dev image
 * measurement and the models. Idempotent; a second run changes nothing on chain.
 */
export async function prepareDevTrust (opts: DevTrustOptions): Promise<{ endpoint: string, registry: string, rootHash: string, added: number }> {
  const info = await readDevnetInfo(opts.devnetDir)
  if (info == null) throw new Error(`no devnet has run in ${opts.devnetDir} (start one with: cocoon devnet --data ${opts.devnetDir})`)
  const lists = await devTrustLists(opts.devTeeDir, opts.modelHashes)
  const added = await configureRegistry({
    endpoint: info.url,
    registry: info.registryAddress,
    adminMnemonic: info.adminMnemonic,
    ...lists
  })
  return { endpoint: info.url, registry: info.registryAddress, rootHash: Buffer.from(lists.acceptRoots[0]).toString('hex'), added }
}
