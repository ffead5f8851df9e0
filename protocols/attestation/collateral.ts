import { z } from 'zod'
import type { Collateral } from '@phala/dcap-qvl'
import { CocoonError } from '../common/errors.js'

export type { Collateral }

const bytesField = z.union([
  z.string().regex(/^([0-9a-fA-F]{2})*$/, 'hex string'),
  z.array(z.number().int().min(0).max(255))
])

/**
 * The DCAP collateral fields the verifier reads. Anything else is dropped: in particular
 * `pck_certificate_chain`, which would make dcap-qvl use a chain other than the one in the quote, the one
 * whose root we check against the registry.
 */
const collateralSchema = z.object({
  pck_crl_issuer_chain: z.string(),
  root_ca_crl: bytesField,
  pck_crl: bytesField,
  tcb_info_issuer_chain: z.string(),
  tcb_info: z.string(),
  tcb_info_signature: bytesField,
  qe_identity_issuer_chain: z.string(),
  qe_identity: z.string(),
  qe_identity_signature: bytesField
})

function toHex (value: string | number[]): string {
  return typeof value === 'string' ? value.toLowerCase() : Buffer.from(value).toString('hex')
}

/** Validates untrusted collateral and returns it in one normal form (binary fields as hex strings). */
export function normalizeCollateral (value: unknown): Collateral {
  const parsed = collateralSchema.safeParse(value)
  if (!parsed.success) {
    throw new CocoonError('MALFORMED', `collateral: ${parsed.error.issues.map(i => `${i.path.join('.')} ${i.message}`).join('; ')}`)
  }
  const c = parsed.data
  return {
    pck_crl_issuer_chain: c.pck_crl_issuer_chain,
    root_ca_crl: toHex(c.root_ca_crl),
    pck_crl: toHex(c.pck_crl),
    tcb_info_issuer_chain: c.tcb_info_issuer_chain,
    tcb_info: c.tcb_info,
    tcb_info_signature: toHex(c.tcb_info_signature),
    qe_identity_issuer_chain: c.qe_identity_issuer_chain,
    qe_identity: c.qe_identity,
    qe_identity_signature: toHex(c.qe_identity_signature)
  }
}

/** Collateral as UTF-8 JSON, the form it crosses the wire and sits on disk in. */
export function encodeCollateral (collateral: Collateral): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(normalizeCollateral(collateral)))
}

export function decodeCollateral (bytes: Uint8Array): Collateral {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (err) {
    throw new CocoonError('MALFORMED', 'collateral is not UTF-8 JSON', undefined, { cause: err })
  }
  return normalizeCollateral(json)
}
