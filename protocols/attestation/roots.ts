import { sha256 } from '@noble/hashes/sha2.js'
import { constants as dcapConstants } from '@phala/dcap-qvl'

/**
 * Roots are named by the SHA-256 of their DER certificate: that is what the registry lists as accepted,
 * and what the verifier compares the quote's root against.
 */
export function rootCaHash (rootDer: Uint8Array): Uint8Array {
  return sha256(rootDer)
}

/** Intel SGX Root CA (DER), as pinned by @phala/dcap-qvl. A production registry accepts only this root. */
export const INTEL_ROOT_CA_DER: Uint8Array = new Uint8Array(dcapConstants.TRUSTED_ROOT_CA_DER)

/** SHA-256 of Intel's root: the one entry of a production registry's accepted roots. */
export const INTEL_ROOT_CA_HASH: Uint8Array = rootCaHash(INTEL_ROOT_CA_DER)
