import type { PeerId } from '@libp2p/interface'
import { systemClock, type Clock } from '../common/clock.js'
import { decodeCertificate, reportDataFor, signingBytesFor, type CertificateClaims, type DecodedCertificate } from './certificate.js'
import { checkBinding, checkPresenter, checkRootAccepted, checkStanding, checkValidityWindow, type RegistryStanding } from './checks.js'
import { normalizeCollateral, type Collateral } from './collateral.js'
import { attestationError } from './errors.js'
import { parseTdxQuote, verifyQuoteAgainstRoot } from './quote.js'
import type { RegistryView } from './registry.js'
import { rootCaHash } from './roots.js'

/** What a certificate proves by itself, given a set of accepted roots: settled once per certificate. */
export interface CertificateEvidence {
  certificate: DecodedCertificate
  rootHash: Uint8Array
  quoteVersion: number
  tcbStatus: string
  advisoryIds: string[]
}

/** An accepted certificate. */
export interface VerifiedCertificate extends CertificateClaims {
  /** SHA-256 of the encoded certificate, as anchored in the registry. */
  hash: Uint8Array
  bytes: Uint8Array
  /** SHA-256 of the root CA the quote chains to. */
  rootHash: Uint8Array
  /** Intel TCB status of the platform (UpToDate, OutOfDate, ...). */
  tcbStatus: string
  advisoryIds: string[]
}

export interface VerifyCertificateOptions {
  registry: RegistryView
  /** The peer presenting the certificate; it must be the certificate's peer. */
  expectedPeerId?: PeerId
  now?: Clock
}

export function toSeconds (ms: number): number {
  return Math.floor(ms / 1000)
}

/** Untrusted collateral in the one form we verify with; a bad shape is a refusal, not a crash. */
export function collateralForVerification (collateral: unknown): Collateral {
  try {
    return normalizeCollateral(collateral)
  } catch (err) {
    throw attestationError('MALFORMED', (err as Error).message, {}, { cause: err })
  }
}

async function checkPeerSignature (certificate: DecodedCertificate): Promise<void> {
  const { message, claims } = certificate
  const ok = await claims.peerId.publicKey.verify(signingBytesFor(message.body), message.peerSignature)
  if (!ok) throw attestationError('BAD_SIGNATURE', `peer signature over the certificate body does not verify for ${claims.peerId.toString()}`)
}

/**
 * Everything that depends only on the certificate, its collateral and the accepted roots: the peer signature,
 * the quote's root, full DCAP verification, and that the quote binds the body and measures its image.
 * The root is checked before DCAP runs so that a quote from an unknown root costs almost nothing.
 */
export async function establishEvidence (certificate: DecodedCertificate, collateral: Collateral, acceptedRoots: readonly Uint8Array[], nowSeconds: number): Promise<CertificateEvidence> {
  await checkPeerSignature(certificate)
  const quote = parseTdxQuote(certificate.message.quote)
  const rootHash = rootCaHash(quote.rootDer)
  checkRootAccepted(rootHash, acceptedRoots)
  const verdict = verifyQuoteAgainstRoot(certificate.message.quote, collateral, quote.rootDer, nowSeconds)
  checkBinding(certificate.claims, reportDataFor(certificate.message.body), quote)
  return { certificate, rootHash, quoteVersion: quote.version, tcbStatus: verdict.tcbStatus, advisoryIds: verdict.advisoryIds }
}

/** Reads the registry facts a certificate's acceptance depends on. */
export async function readStanding (registry: RegistryView, claims: CertificateClaims): Promise<RegistryStanding> {
  const [imageAllowed, entry] = await Promise.all([registry.isImageAllowed(claims.imageHash), registry.workerEntry(claims.workerKey)])
  return { imageAllowed, entry }
}

export function toVerified (evidence: CertificateEvidence): VerifiedCertificate {
  const { certificate } = evidence
  return {
    ...certificate.claims,
    hash: certificate.hash,
    bytes: certificate.bytes,
    rootHash: evidence.rootHash,
    tcbStatus: evidence.tcbStatus,
    advisoryIds: evidence.advisoryIds
  }
}

/**
 * Accepts a worker certificate only if: it decodes canonically, the worker's libp2p key signed it and that
 * worker presents it, now is within its validity, its quote chains to a root the registry accepts and passes
 * DCAP verification, REPORTDATA binds the body, the measured image is the claimed one and is allowed, and the
 * worker's active, unexpired registry entry anchors this certificate's hash. Otherwise throws
 * `CocoonError('ATTESTATION')` with `data.reason`. No caching: see `AttestationCache`.
 */
export async function verifyCertificate (certificate: Uint8Array, collateral: unknown, options: VerifyCertificateOptions): Promise<VerifiedCertificate> {
  const nowSeconds = toSeconds((options.now ?? systemClock)())
  const decoded = decodeCertificate(certificate)
  checkPresenter(decoded.claims, options.expectedPeerId)
  checkValidityWindow(decoded.claims, nowSeconds)
  const evidence = await establishEvidence(decoded, collateralForVerification(collateral), await options.registry.acceptedRoots(), nowSeconds)
  checkStanding(decoded.claims, decoded.hash, await readStanding(options.registry, decoded.claims), nowSeconds)
  return toVerified(evidence)
}
