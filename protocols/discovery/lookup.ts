import type { PeerId, PeerInfo, ContentRouting } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { LOOKUP_TIMEOUT_MS } from './constants.js'
import { modelKey, proxyKey } from './keys.js'

export interface LookupOptions {
  /** Stop after this many distinct providers. @default 20 */
  limit?: number
  /** @default LOOKUP_TIMEOUT_MS */
  timeoutMs?: number
  signal?: AbortSignal
  /** Leave this peer out (ourselves). */
  self?: PeerId
  /** Called for each new provider as the query finds it, before the whole lookup ends. */
  onProvider?: (provider: PeerInfo) => void
}

/**
 * Providers of a key, de-duplicated, until `limit` are found or the timeout passes. A timeout is not an error:
 * it returns what was found, because an empty answer is a normal state of a young network.
 */
export async function findProviders (routing: ContentRouting, key: CID, options: LookupOptions = {}): Promise<PeerInfo[]> {
  const limit = options.limit ?? 20
  const timeout = AbortSignal.timeout(options.timeoutMs ?? LOOKUP_TIMEOUT_MS)
  const signal = options.signal != null ? AbortSignal.any([options.signal, timeout]) : timeout
  const found = new Map<string, PeerInfo>()
  try {
    for await (const provider of routing.findProviders(key, { signal })) {
      if (options.self?.equals(provider.id) === true || found.has(provider.id.toString())) continue
      found.set(provider.id.toString(), provider)
      options.onProvider?.(provider)
      if (found.size >= limit) break
    }
  } catch (err) {
    // A caller's own abort is theirs to see; our timeout just ends the search.
    if (options.signal?.aborted === true) throw err
    if (!timeout.aborted && found.size === 0) throw err
  }
  return [...found.values()]
}

export async function findProxies (routing: ContentRouting, options: LookupOptions = {}): Promise<PeerInfo[]> {
  return findProviders(routing, await proxyKey(), options)
}

export async function findModelWorkers (routing: ContentRouting, modelHash: string, options: LookupOptions = {}): Promise<PeerInfo[]> {
  return findProviders(routing, await modelKey(modelHash), options)
}
