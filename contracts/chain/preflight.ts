import type { OpenedContract } from '@ton/core'
import { fromNano } from '@ton/core'
import { RegistrationRefusedError } from '../errors.js'
import type { Registry } from '../wrappers/Registry.js'
import type { RegistryParams } from '../wrappers/codec.js'

/**
 * Checks, through the registry's get-methods, what the registry (and every proxy after it) would refuse, before
 * a worker sends a register or renew. Without it a refused register bounced silently and the worker waited the
 * whole transaction timeout for an entry that never changed.
 */

export interface RegistrationToCheck {
  imageHash: Uint8Array
  /** Unix seconds. */
  expiresAt: number
  /** sha256 of the root CA the certificate's quote chains to. Unchecked when absent (the registry itself never sees it). */
  rootHash?: Uint8Array
  /** nanoTON to stake; only a first registration stakes, so absent on renewal. */
  stake?: bigint
  /** Unix seconds; the chain's clock may differ by a few seconds. */
  nowSeconds: number
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** Throws RegistrationRefusedError naming the first rule broken; returns the registry's parameters otherwise. */
export async function checkRegistration (registry: OpenedContract<Registry>, reg: RegistrationToCheck): Promise<RegistryParams> {
  const [params, imageAllowed, rootAccepted] = await Promise.all([
    registry.getParams(),
    registry.getIsImageAllowed(reg.imageHash),
    reg.rootHash == null ? Promise.resolve(true) : registry.getIsRootAccepted(reg.rootHash)
  ])
  const at = registry.address.toString()
  if (!rootAccepted) {
    throw new RegistrationRefusedError('ROOT_NOT_ACCEPTED', `registry ${at} does not accept attestation root ${hex(reg.rootHash as Uint8Array)}; its admin can run \`cocoon registry accept-root ${hex(reg.rootHash as Uint8Array)}\` (on a devnet: \`cocoon registry dev-trust --dev-tee DIR\`)`)
  }
  if (!imageAllowed) {
    throw new RegistrationRefusedError('IMAGE_NOT_ALLOWED', `registry ${at} does not allow image ${hex(reg.imageHash)}; its admin can run \`cocoon registry allow-image ${hex(reg.imageHash)}\` (on a devnet: \`cocoon registry dev-trust --dev-tee DIR\`)`)
  }
  if (reg.expiresAt <= reg.nowSeconds) {
    throw new RegistrationRefusedError('CERT_EXPIRED', `certificate expired at ${reg.expiresAt}, now ${reg.nowSeconds}; check this machine's clock`)
  }
  if (reg.expiresAt > reg.nowSeconds + params.certMaxLifetime) {
    throw new RegistrationRefusedError('LIFETIME_TOO_LONG', `certificate valid ${reg.expiresAt - reg.nowSeconds} s, the registry allows at most ${params.certMaxLifetime} s; issue a shorter one (the admin sets the limit: \`cocoon registry set-params --cert-max-lifetime SECONDS\`)`)
  }
  if (reg.stake != null && reg.stake < params.minStake) {
    throw new RegistrationRefusedError('STAKE_TOO_LOW', `stake ${fromNano(reg.stake)} TON is below the registry minimum ${fromNano(params.minStake)} TON`)
  }
  return params
}
