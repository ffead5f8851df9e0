import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import type { PeerId } from '@libp2p/interface'
import type { CertificateClaims } from './certificate.js'
import { attestationError } from './errors.js'
import type { ParsedTdxQuote } from './quote.js'
import type { WorkerEntry } from './registry.js'

/**
 * The certificate checks that need no I/O: plain data in, an ATTESTATION error with its reason out.
 * Times are unix seconds, taken from the caller's clock.
 */

const hex = (b: Uint8Array): string => uint8ArrayToString(b, 'base16')

/** The certificate must belong to the peer presenting it. */
export function checkPresenter (claims: CertificateClaims, expectedPeerId?: PeerId): void {
  if (expectedPeerId != null && !claims.peerId.equals(expectedPeerId)) {
    throw attestationError('PEER_MISMATCH', `certificate belongs to ${claims.peerId.toString()}, presented by ${expectedPeerId.toString()}`)
  }
}

export function checkValidityWindow (claims: CertificateClaims, nowSeconds: number): void {
  if (nowSeconds < claims.notBefore) throw attestationError('NOT_YET_VALID', `certificate valid from ${claims.notBefore}, now ${nowSeconds}`)
  if (nowSeconds > claims.notAfter) throw attestationError('EXPIRED', `certificate expired at ${claims.notAfter}, now ${nowSeconds}`)
}

export function checkRootAccepted (rootHash: Uint8Array, acceptedRoots: readonly Uint8Array[]): void {
  if (!acceptedRoots.some(r => uint8ArrayEquals(r, rootHash))) {
    throw attestationError('ROOT_NOT_ACCEPTED', `quote chains to root ${hex(rootHash)}, which the registry does not accept`, { rootHash: hex(rootHash) })
  }
}

/** The quote must bind this body (REPORTDATA) and measure the image the body claims. */
export function checkBinding (claims: CertificateClaims, expectedReportData: Uint8Array, quote: ParsedTdxQuote): void {
  if (!uint8ArrayEquals(quote.reportData, expectedReportData)) {
    throw attestationError('REPORTDATA_MISMATCH', 'quote REPORTDATA is not SHA-512 of the certificate body')
  }
  if (!uint8ArrayEquals(quote.imageHash, claims.imageHash)) {
    throw attestationError('IMAGE_NOT_ALLOWED', `body claims image ${hex(claims.imageHash)} but the quote measures ${hex(quote.imageHash)}`)
  }
}

/** What the registry says about a certificate's worker, read at one moment. */
export interface RegistryStanding {
  imageAllowed: boolean
  entry: WorkerEntry | null
}

/** The worker's registry entry must be active, anchor this certificate and not be expired; its image allowed. */
export function checkStanding (claims: CertificateClaims, certHash: Uint8Array, standing: RegistryStanding, nowSeconds: number): void {
  if (!standing.imageAllowed) throw attestationError('IMAGE_NOT_ALLOWED', `image ${hex(claims.imageHash)} is not allowed by the registry`)
  const entry = standing.entry
  if (entry == null) throw attestationError('NOT_REGISTERED', `worker ${claims.peerId.toString()} has no registry entry`)
  if (!entry.active) throw attestationError('NOT_REGISTERED', `worker ${claims.peerId.toString()} is not active in the registry`)
  if (!uint8ArrayEquals(entry.certHash, certHash)) {
    throw attestationError('CERT_NOT_ANCHORED', `registry anchors certificate ${hex(entry.certHash)}, not ${hex(certHash)}`)
  }
  if (!uint8ArrayEquals(entry.imageHash, claims.imageHash)) {
    throw attestationError('CERT_NOT_ANCHORED', `registry entry records image ${hex(entry.imageHash)}, certificate ${hex(claims.imageHash)}`)
  }
  if (nowSeconds > entry.expiresAt) throw attestationError('EXPIRED', `registry entry expired at ${entry.expiresAt}, now ${nowSeconds}`)
}
