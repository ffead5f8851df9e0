import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { CocoonError } from '../common/errors.js'
import { systemClock, type Clock } from '../common/clock.js'
import { CertificateBody, certificateHash, claimsOf, encodeCertificate, encodeCertificateBody, isTonAddress, reportDataFor, signingBytesFor, type CertificateBodyFields, type CertificateClaims } from './certificate.js'
import type { Collateral } from './collateral.js'
import { CERTIFICATE_BACKDATE_SECONDS, DEFAULT_CERTIFICATE_LIFETIME_SECONDS, MAX_MODEL_HASHES, MAX_TEXT_FIELD_LENGTH, TEE_TDX } from './constants.js'
import { imageHashOf } from './measurements.js'
import { parseTdxQuote } from './quote.js'
import type { TeeProvider } from './tee.js'

export interface IssueCertificateOptions {
  /** The worker's libp2p identity key. */
  privateKey: Ed25519PrivateKey
  /** X25519 public key jobs are sealed to (32 bytes). */
  sealPublicKey: Uint8Array
  /** TON address earnings go to. */
  payoutAddress: string
  gpu: string
  /** sha256 of each model served (32 bytes each). */
  modelHashes: Uint8Array[]
  /** @default DEFAULT_CERTIFICATE_LIFETIME_SECONDS */
  lifetimeSeconds?: number
  tee: TeeProvider
  now?: Clock
}

export interface IssuedCertificate {
  /** The encoded certificate: what travels and what is hashed. */
  bytes: Uint8Array
  /** SHA-256 of `bytes`: what the worker anchors in its registry entry. */
  hash: Uint8Array
  /** Collateral the quote verifies against, served alongside the certificate. */
  collateral: Collateral
  claims: CertificateClaims
}

function badRequest (message: string): CocoonError {
  return new CocoonError('BAD_REQUEST', `issueCertificate: ${message}`)
}

function checkOptions (o: IssueCertificateOptions, lifetime: number): void {
  if (o.privateKey?.type !== 'Ed25519') throw badRequest('privateKey must be an Ed25519 libp2p key')
  if (o.sealPublicKey?.length !== 32) throw badRequest('sealPublicKey must be 32 bytes')
  if (!isTonAddress(o.payoutAddress)) throw badRequest(`payoutAddress is not a TON address: ${o.payoutAddress}`)
  if (o.gpu.length === 0 || o.gpu.length > MAX_TEXT_FIELD_LENGTH) throw badRequest(`gpu must be 1-${MAX_TEXT_FIELD_LENGTH} characters`)
  if (o.modelHashes.length > MAX_MODEL_HASHES || o.modelHashes.some(h => h.length !== 32)) {
    throw badRequest(`modelHashes must be at most ${MAX_MODEL_HASHES} hashes of 32 bytes`)
  }
  if (!Number.isSafeInteger(lifetime) || lifetime <= 0) throw badRequest('lifetimeSeconds must be a positive integer')
}

/**
 * Issues a worker certificate: the body binds the worker's libp2p key, seal key, payout address, GPU,
 * models and validity; the TEE quotes SHA-512(body) as REPORTDATA; the libp2p key signs the body.
 */
export async function issueCertificate (options: IssueCertificateOptions): Promise<IssuedCertificate> {
  const lifetime = options.lifetimeSeconds ?? DEFAULT_CERTIFICATE_LIFETIME_SECONDS
  checkOptions(options, lifetime)
  const nowSeconds = Math.floor((options.now ?? systemClock)() / 1000)
  const imageHash = imageHashOf(await options.tee.measurements())

  const body: CertificateBodyFields = {
    tee: TEE_TDX,
    imageHash,
    peerId: peerIdFromPrivateKey(options.privateKey).toMultihash().bytes,
    sealKey: options.sealPublicKey,
    payoutAddress: options.payoutAddress,
    gpu: options.gpu,
    modelHashes: options.modelHashes,
    notBefore: nowSeconds - CERTIFICATE_BACKDATE_SECONDS,
    notAfter: nowSeconds + lifetime
  }
  const bodyBytes = encodeCertificateBody(body)
  const reportData = reportDataFor(bodyBytes)
  const evidence = await options.tee.quote(reportData)

  // A runtime register may have been extended between reading measurements and quoting: catch it here
  // rather than hand out a certificate every verifier refuses.
  const parsed = parseTdxQuote(evidence.quote)
  if (!uint8ArrayEquals(parsed.imageHash, imageHash)) throw new CocoonError('INTERNAL', 'TEE measurements changed while issuing the certificate')
  if (!uint8ArrayEquals(parsed.reportData, reportData)) throw new CocoonError('INTERNAL', 'TEE quoted different REPORTDATA than requested')

  const peerSignature = await options.privateKey.sign(signingBytesFor(bodyBytes))
  const bytes = encodeCertificate({ body: bodyBytes, quote: evidence.quote, peerSignature })
  return { bytes, hash: certificateHash(bytes), collateral: evidence.collateral, claims: claimsOf(CertificateBody.decode(bodyBytes)) }
}
