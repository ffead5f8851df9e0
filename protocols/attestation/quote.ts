import { Quote, QuoteVerifier, utils as dcapUtils, type VerifiedReport } from '@phala/dcap-qvl'
import type { Collateral } from './collateral.js'
import { attestationError } from './errors.js'
import { imageHashOf, type TdMeasurements } from './measurements.js'

/** What we read from a TDX quote before and after verifying it. */
export interface ParsedTdxQuote {
  version: number
  measurements: TdMeasurements
  imageHash: Uint8Array
  reportData: Uint8Array
  /** DER of the last certificate of the quote's PCK chain: the root it claims to chain to. */
  rootDer: Uint8Array
}

const TEE_TYPE_TDX = 0x81

/** Parses a TDX quote (v4 or v5 with a TD 1.0/1.5 report) carrying a PEM PCK chain. Throws ATTESTATION/MALFORMED. */
export function parseTdxQuote (bytes: Uint8Array): ParsedTdxQuote {
  let quote: Quote
  let chain: Uint8Array[]
  try {
    quote = Quote.parse(bytes)
    chain = dcapUtils.extractCerts(Buffer.from(quote.rawCertChain()))
  } catch (err) {
    throw attestationError('MALFORMED', `quote does not parse: ${(err as Error).message}`, {}, { cause: err })
  }
  const td = quote.report.asTd10()
  if (quote.header.teeType !== TEE_TYPE_TDX || td == null) throw attestationError('MALFORMED', 'quote is not a TDX quote')
  if (chain.length < 2) throw attestationError('MALFORMED', 'quote carries no PCK certificate chain')
  const measurements: TdMeasurements = { mrTd: td.mrTd, rtmrs: [td.rtMr0, td.rtMr1, td.rtMr2, td.rtMr3] }
  return {
    version: quote.header.version,
    measurements,
    imageHash: imageHashOf(measurements),
    reportData: td.reportData,
    rootDer: new Uint8Array(chain[chain.length - 1])
  }
}

export interface QuoteVerdict {
  /** Intel TCB status of the platform, e.g. UpToDate or OutOfDate (Revoked is refused by the verifier). */
  tcbStatus: string
  advisoryIds: string[]
}

/**
 * Full DCAP verification of a quote against a pinned root: PCK chain and CRLs, TCB Info, QE Identity, the QE
 * report and the quote signature. The same call serves Intel's root and a dev test root; there is no other path.
 * Throws ATTESTATION/QUOTE_INVALID with the verifier's reason.
 */
export function verifyQuoteAgainstRoot (quote: Uint8Array, collateral: Collateral, rootDer: Uint8Array, nowSeconds: number): QuoteVerdict {
  let verified: VerifiedReport
  try {
    verified = QuoteVerifier.newWithRootCa(Buffer.from(rootDer)).verify(quote, collateral, nowSeconds)
  } catch (err) {
    throw attestationError('QUOTE_INVALID', (err as Error).message, {}, { cause: err })
  }
  return { tcbStatus: verified.status, advisoryIds: [...verified.advisory_ids] }
}
