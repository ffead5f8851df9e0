import type { Collateral } from '@phala/dcap-qvl'
import { CocoonError } from '../common/errors.js'

export type { Collateral }

/**
 * The DCAP collateral fields the verifier reads, each either text or binary. Anything else is dropped: in
 * particular `pck_certificate_chain`, which would make dcap-qvl use a chain other than the one in the quote, the
 * one whose root we check against the registry. Checked by hand rather than with a schema library because every
 * light client verifies collateral, and a schema library is a large load for nine fields.
 */
const COLLATERAL_FIELDS = {
  pck_crl_issuer_chain: 'text',
  root_ca_crl: 'bytes',
  pck_crl: 'bytes',
  tcb_info_issuer_chain: 'text',
  tcb_info: 'text',
  tcb_info_signature: 'bytes',
  qe_identity_issuer_chain: 'text',
  qe_identity: 'text',
  qe_identity_signature: 'bytes'
} as const satisfies Record<keyof Collateral, 'text' | 'bytes'>

const HEX = /^([0-9a-fA-F]{2})*$/

/** A binary field as lowercase hex: given as a hex string or as an array of byte values. Null when it is neither. */
function bytesFieldHex (value: unknown): string | null {
  if (typeof value === 'string') return HEX.test(value) ? value.toLowerCase() : null
  if (!Array.isArray(value)) return null
  for (let i = 0; i < value.length; i++) {
    const b: unknown = value[i]
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) return null
  }
  return Buffer.from(value as number[]).toString('hex')
}

/** Validates untrusted collateral and returns it in one normal form (binary fields as hex strings). */
export function normalizeCollateral (value: unknown): Collateral {
  if (typeof value !== 'object' || value == null || Array.isArray(value)) {
    throw new CocoonError('MALFORMED', 'collateral: expected an object')
  }
  const input = value as Record<string, unknown>
  const out: Record<string, string> = {}
  const problems: string[] = []
  for (const [field, kind] of Object.entries(COLLATERAL_FIELDS)) {
    const v = input[field]
    if (kind === 'text') {
      if (typeof v === 'string') out[field] = v
      else problems.push(`${field} expected a string`)
    } else {
      const hex = bytesFieldHex(v)
      if (hex != null) out[field] = hex
      else problems.push(`${field} expected a hex string or an array of bytes`)
    }
  }
  if (problems.length > 0) throw new CocoonError('MALFORMED', `collateral: ${problems.join('; ')}`)
  return out as unknown as Collateral
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
