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
 * How long the proxy reuses a worker's certificate bundle fetched over /cocoon/attest/1.0.0. Without reuse every
 * job offer fetched it again, and a worker serves only a few attest streams at once (ATTEST_MAX_INBOUND_STREAMS),
 * so a burst of jobs to one worker failed with "worker not offered". Every use is still verified (cheap once
 * cached), and an announcement naming another certificate hash fetches at once.
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

/**
 * The proxy's view of a worker's certificate: fetched over /cocoon/attest/1.0.0 and verified against the
 * registry (cached by certificate hash), so it never offers a worker a client would refuse. Fetches are shared
 * between concurrent callers and reused for `reuseMs` unless the caller expects a different certificate hash.
 */
export function certificateSource (libp2p: CocoonLibp2p, cache: AttestationCache, opts: { reuseMs?: number, now?: () => number } = {}): CertificateSource {
  const reuseMs = opts.reuseMs ?? CERTIFICATE_REUSE_MS
  const now = opts.now ?? Date.now
  const fetched = new Map<string, { at: number, hash?: Uint8Array, bundle: Promise<AttestationBundle> }>()
  const encoded = new WeakMap<AttestationBundle, Uint8Array>()
  const fetchShared = (key: string, worker: PeerId): Promise<AttestationBundle> => {
    // one fetch for everyone asking meanwhile; it has its own deadline, and each caller keeps its own signal
    const entry: { at: number, hash?: Uint8Array, bundle: Promise<AttestationBundle> } = { at: now(), bundle: fetchCertificate(libp2p, worker) }
    fetched.set(key, entry)
    entry.bundle.then(b => { entry.hash = certificateHash(b.certificate) }, () => { if (fetched.get(key) === entry) fetched.delete(key) })
    return entry.bundle
  }
  return async (worker, signal, expectedHash) => {
    const key = worker.toString()
    const entry = fetched.get(key)
    const reusable = entry != null && now() - entry.at <= reuseMs &&
      (expectedHash == null || entry.hash == null || equals(entry.hash, expectedHash))
    const bundle = await raceSignal(reusable ? entry.bundle : fetchShared(key, worker), signal)
    const verified = await cache.verify(bundle.certificate, bundle.collateral, { expectedPeerId: worker })
    // Every offer carries the collateral; encode it once per fetched bundle, not once per job.
    let collateral = encoded.get(bundle)
    if (collateral == null) {
      collateral = encodeCollateral(bundle.collateral)
      encoded.set(bundle, collateral)
    }
    return { certificate: bundle.certificate, collateral, hash: verified.hash, modelHashes: verified.modelHashes }
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
