// Kept apart from trust.ts, which reads node config (zod): the embeddable client needs only these two and must not
// load config parsing. Narrow imports for the same reason: the contracts and attestation package roots also carry
// the devnet emulator and the dev-TEE certificate authority, which a client never uses.
import type { Logger } from 'pino'
import { RegistryView } from '../../contracts/chain/registry-view.js'
import { AttestationCache } from '../../protocols/attestation/cache.js'
import { decodeCollateral, type Collateral } from '../../protocols/attestation/collateral.js'
import type { OfferVerifier } from '../../protocols/job/client-job.js'

export interface ChainTarget { endpoint: string, apiKey?: string, registry: string }

/** The registry at `chain`, read through TonClient with a short TTL cache. */
export function registryViewFor (chain: ChainTarget): RegistryView {
  return new RegistryView({ endpoint: chain.endpoint, apiKey: chain.apiKey, registry: chain.registry })
}

/** Certificate verification against the registry at `chain` (or the view given), cached by certificate hash. */
export function attestationCacheFor (chain: ChainTarget, logger: Logger, registry: RegistryView = registryViewFor(chain)): AttestationCache {
  return new AttestationCache({ registry, logger: logger.child({ component: 'attestation' }) })
}

/** The client's check of an offer: the certificate verifies, is anchored for that very worker, and gives the seal key. */
export function offerVerifier (cache: AttestationCache): OfferVerifier {
  // A known worker's offer comes back with the same collateral bytes job after job, and the cache reads the
  // collateral only for a certificate it has not verified: decoded once per bytes object, not per job (a 7.5 KB JSON
  // parse on the way to every first token). Stale decoding cannot admit anything: the certificate decides.
  const decoded = new WeakMap<Uint8Array, Collateral>()
  const collateralOf = (bytes: Uint8Array): Collateral => {
    let c = decoded.get(bytes)
    if (c == null) {
      c = decodeCollateral(bytes)
      decoded.set(bytes, c)
    }
    return c
  }
  return async (offer) => {
    const verified = await cache.verify(offer.certificate, collateralOf(offer.collateral), { expectedPeerId: offer.worker })
    return { sealKey: verified.sealKey }
  }
}
