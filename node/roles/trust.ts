import { RegistryView } from '../../contracts/index.js'
import { AttestationCache, fetchCertificate, encodeCollateral, decodeCollateral } from '../../protocols/attestation/index.js'
import type { OfferVerifier } from '../../protocols/job/index.js'
import type { Logger } from 'pino'
import { ConfigError, type NodeConfig } from '../config.js'
import type { CocoonLibp2p } from '../libp2p.js'
import type { PeerId } from '@libp2p/interface'

/** Every role that handles jobs trusts workers only through the registry, so it needs a chain and a registry. */
export function requireChain (config: NodeConfig): { endpoint: string, apiKey?: string, registry: string } {
  if (config.ton == null || config.registry == null) {
    throw new ConfigError(`a ${config.role} needs --ton ENDPOINT and --registry ADDRESS (run \`cocoon devnet\` for a local chain, or \`cocoon network\` for a whole local network)`)
  }
  return { endpoint: config.ton, apiKey: config.tonApiKey, registry: config.registry }
}

export function attestationCache (config: NodeConfig, logger: Logger): AttestationCache {
  const chain = requireChain(config)
  const registry = new RegistryView({ endpoint: chain.endpoint, apiKey: chain.apiKey, registry: chain.registry })
  return new AttestationCache({ registry, logger: logger.child({ component: 'attestation' }) })
}

/** The client's check of an offer: the certificate verifies, is anchored for that very worker, and gives the seal key. */
export function offerVerifier (cache: AttestationCache): OfferVerifier {
  return async (offer) => {
    const verified = await cache.verify(offer.certificate, decodeCollateral(offer.collateral), { expectedPeerId: offer.worker })
    return { sealKey: verified.sealKey }
  }
}

/**
 * The proxy's view of a worker's certificate: fetched over /cocoon/attest/1.0.0 and verified against the
 * registry (cached by certificate hash), so it never offers a worker a client would refuse.
 */
export function certificateSource (libp2p: CocoonLibp2p, cache: AttestationCache): (worker: PeerId, signal: AbortSignal) => Promise<{ certificate: Uint8Array, collateral: Uint8Array, hash: Uint8Array }> {
  return async (worker, signal) => {
    const bundle = await fetchCertificate(libp2p, worker, { signal })
    const verified = await cache.verify(bundle.certificate, bundle.collateral, { expectedPeerId: worker })
    return { certificate: bundle.certificate, collateral: encodeCollateral(bundle.collateral), hash: verified.hash }
  }
}
