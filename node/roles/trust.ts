import { equals } from 'uint8arrays/equals'
import type { AttestationCache } from '../../protocols/attestation/cache.js'
import { encodeCollateral } from '../../protocols/attestation/collateral.js'
import { certificateHash } from '../../protocols/attestation/certificate.js'
import { fetchCertificate, type AttestationBundle } from '../../protocols/attestation/handler.js'
import type { Logger } from 'pino'
import { ConfigError, type NodeConfig } from '../config.js'
import type { CocoonLibp2p } from '../libp2p.js'
import type { PeerId } from '@libp2p/interface'
import { attestationCacheFor } from './registry-trust.js'

// The config-free half lives in registry-trust.ts so that the embeddable client can load it without config parsing.
export { attestationCacheFor, offerVerifier, registryViewFor } from './registry-trust.js'

/** Every role that handles jobs trusts workers only through the registry, so it needs a chain and a registry. */
export function requireChain (config: NodeConfig): { endpoint: string, apiKey?: string, registry: string } {
  if (config.ton == null || config.registry == null) {
    throw new ConfigError(`a ${config.role} needs --ton ENDPOINT and --registry ADDRESS (run \`cocoon devnet\` for a local chain, or \`cocoon network\` for a whole local network)`)
  }
  return { endpoint: config.ton, apiKey: config.tonApiKey, registry: config.registry }
}

export function attestationCache (config: NodeConfig, logger: Logger): AttestationCache {
  return attestationCacheFor(requireChain(config), logger)
}

/**
 * How long the proxy reuses a worker's certificate bundle fetched over /cocoon/attest/1.0.0 before it fetches it
 * again. Without reuse every job offer fetched it, and a worker serves only a few attest streams at once
 * (ATTEST_MAX_INBOUND_STREAMS), so a burst of jobs to one worker failed with "worker not offered". Past it, the held
 * bundle is still used while the new fetch runs (see certificateSource).
 * @default 30 s
 */
export const CERTIFICATE_REUSE_MS = 30_000

/** A worker's verified certificate as the proxy offers it, with the model hashes it vouches for. */
export interface SourcedCertificate {
  certificate: Uint8Array
  collateral: Uint8Array
  hash: Uint8Array
  /** sha256 of each model the certificate names (bound by the quote). */
  modelHashes: Uint8Array[]
}

export type CertificateSource = (worker: PeerId, signal: AbortSignal, expectedHash?: Uint8Array) => Promise<SourcedCertificate>

interface Fetched {
  at: number
  /** Set once the fetch succeeded. */
  hash?: Uint8Array
  bundle: Promise<AttestationBundle>
  /** A re-fetch of a bundle past its reuse time is on its way. */
  refetching?: boolean
}

/**
 * The proxy's view of a worker's certificate: fetched over /cocoon/attest/1.0.0 and verified against the
 * registry (cached by certificate hash), so it never offers a worker a client would refuse. Fetches are shared
 * between concurrent callers and reused for `reuseMs`. Past that, a bundle that was fetched is used while it is
 * fetched again in the background. A fetch in the way held one job per worker every `reuseMs`: the offer waits for
 * it, and on the fast path the worker's answer waits for it (the admission check); it is a new stream to the worker
 * and a request, a few round trips between hosts. Nothing is trusted for longer by it: every use still verifies the
 * certificate against the registry (expiry, revocation, the worker's standing), and a caller that expects another
 * certificate hash (a worker announcing a new certificate) fetches at once. A failed re-fetch drops the bundle, so
 * the next use fetches in the open and meets the error itself.
 */
export function certificateSource (libp2p: CocoonLibp2p, cache: AttestationCache, opts: { reuseMs?: number, now?: () => number } = {}): CertificateSource {
  const reuseMs = opts.reuseMs ?? CERTIFICATE_REUSE_MS
  const now = opts.now ?? Date.now
  const fetched = new Map<string, Fetched>()
  const encoded = new WeakMap<AttestationBundle, Uint8Array>()
  const startFetch = (worker: PeerId): Fetched => {
    // one fetch for everyone asking meanwhile; it has its own deadline, and each caller keeps its own signal
    const entry: Fetched = { at: now(), bundle: fetchCertificate(libp2p, worker) }
    entry.bundle.then(b => { entry.hash = certificateHash(b.certificate) }, () => {})
    return entry
  }
  const fetchNow = (key: string, worker: PeerId): Promise<AttestationBundle> => {
    const entry = startFetch(worker)
    fetched.set(key, entry)
    entry.bundle.catch(() => { if (fetched.get(key) === entry) fetched.delete(key) })
    return entry.bundle
  }
  const refetch = (key: string, worker: PeerId, held: Fetched): void => {
    held.refetching = true
    const entry = startFetch(worker)
    entry.bundle.then(() => { if (fetched.get(key) === held) fetched.set(key, entry) }, () => { if (fetched.get(key) === held) fetched.delete(key) })
  }
  return async (worker, signal, expectedHash) => {
    const key = worker.toString()
    const entry = fetched.get(key)
    const same = entry != null && (expectedHash == null || entry.hash == null || equals(entry.hash, expectedHash))
    let bundle: Promise<AttestationBundle>
    if (entry == null || !same) {
      bundle = fetchNow(key, worker)
    } else {
      // a fetch still on its way is shared however long it takes (it has its own deadline)
      if (entry.hash != null && now() - entry.at > reuseMs && entry.refetching !== true) refetch(key, worker, entry)
      bundle = entry.bundle
    }
    const held = await raceSignal(bundle, signal)
    const verified = await cache.verify(held.certificate, held.collateral, { expectedPeerId: worker })
    // Every offer carries the collateral; encode it once per fetched bundle, not once per job.
    let collateral = encoded.get(held)
    if (collateral == null) {
      collateral = encodeCollateral(held.collateral)
      encoded.set(held, collateral)
    }
    return { certificate: held.certificate, collateral, hash: verified.hash, modelHashes: verified.modelHashes }
  }
}

async function raceSignal<T> (promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted()
  let onAbort: (() => void) | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => {
      onAbort = () => { reject(signal.reason) }
      signal.addEventListener('abort', onAbort, { once: true })
    })])
  } finally {
    if (onAbort != null) signal.removeEventListener('abort', onAbort)
  }
}
