import { createHash } from 'node:crypto'
import { sha512 } from '@noble/hashes/sha2.js'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import { Address } from '@ton/core'
import * as Digest from 'multiformats/hashes/digest'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import type { Ed25519PeerId } from '@libp2p/interface'
import { ATTESTATION_SIGNING_DOMAIN, MAX_MODEL_HASHES, MAX_TEXT_FIELD_LENGTH, TEE_TDX } from './constants.js'
import { attestationError } from './errors.js'
import { Certificate, CertificateBody } from './gen/messages.js'

export { Certificate, CertificateBody }

/** A certificate body decoded and checked for shape, with the peer id and its raw key resolved. */
export interface CertificateClaims {
  tee: typeof TEE_TDX
  imageHash: Uint8Array
  peerId: Ed25519PeerId
  /** Raw 32-byte ed25519 public key of the worker: its key in the registry. */
  workerKey: Uint8Array
  sealKey: Uint8Array
  payoutAddress: string
  gpu: string
  modelHashes: Uint8Array[]
  /** Unix seconds. */
  notBefore: number
  /** Unix seconds. */
  notAfter: number
}

/** A certificate decoded from bytes, with the bytes it came from. */
export interface DecodedCertificate {
  bytes: Uint8Array
  hash: Uint8Array
  message: Certificate
  claims: CertificateClaims
}

const SIGNING_DOMAIN_BYTES = new TextEncoder().encode(ATTESTATION_SIGNING_DOMAIN)

/** REPORTDATA a quote must carry for this body: SHA-512 of its canonical encoding. */
export function reportDataFor (bodyBytes: Uint8Array): Uint8Array {
  return sha512(bodyBytes)
}

/** What the worker's libp2p key signs: a domain prefix, then the canonical body. */
export function signingBytesFor (bodyBytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(SIGNING_DOMAIN_BYTES.length + bodyBytes.length)
  out.set(SIGNING_DOMAIN_BYTES)
  out.set(bodyBytes, SIGNING_DOMAIN_BYTES.length)
  return out
}

/** SHA-256 of the encoded certificate: the hash a worker anchors in its registry entry. */
export function certificateHash (certificateBytes: Uint8Array): Uint8Array {
  // OpenSSL: a client hashes the certificate of every job's worker (its cache key), ~4.5 KB; 9x faster than JS here.
  return new Uint8Array(createHash('sha256').update(certificateBytes).digest())
}

/** Body fields as callers hold them (any Uint8Array); protons' types want ArrayBuffer-backed arrays. */
export type CertificateBodyFields = { [K in keyof CertificateBody]: CertificateBody[K] extends Uint8Array ? Uint8Array : CertificateBody[K] extends Uint8Array[] ? Uint8Array[] : CertificateBody[K] }

/** The canonical encoding (protons writes fields in field order: one body, one byte string). */
export function encodeCertificateBody (body: CertificateBodyFields): Uint8Array {
  return CertificateBody.encode(body as CertificateBody)
}

export function encodeCertificate (certificate: { body: Uint8Array, quote: Uint8Array, peerSignature: Uint8Array }): Uint8Array {
  return Certificate.encode(certificate as Certificate)
}

function malformed (message: string, cause?: unknown): Error {
  return attestationError('MALFORMED', message, {}, cause == null ? undefined : { cause })
}

function expectBytes (name: string, value: Uint8Array, length: number): void {
  if (value.length !== length) throw malformed(`${name} must be ${length} bytes, got ${value.length}`)
}

function expectText (name: string, value: string): void {
  if (value.length === 0 || value.length > MAX_TEXT_FIELD_LENGTH) throw malformed(`${name} must be 1-${MAX_TEXT_FIELD_LENGTH} characters`)
}

export function isTonAddress (value: string): boolean {
  try {
    Address.parse(value)
    return true
  } catch {
    return false
  }
}

/** Resolves the body's peer id bytes to an ed25519 peer id (the only key type a worker may use). */
export function peerIdFromBody (peerIdBytes: Uint8Array): Ed25519PeerId {
  let peerId
  try {
    peerId = peerIdFromMultihash(Digest.decode(peerIdBytes))
  } catch (err) {
    throw malformed('peerId is not a libp2p peer id', err)
  }
  if (peerId.type !== 'Ed25519') throw malformed(`peerId must be an Ed25519 key, got ${peerId.type}`)
  return peerId
}

/** Checks a body's fields and resolves its peer id. Throws ATTESTATION/MALFORMED. */
export function claimsOf (body: CertificateBody): CertificateClaims {
  if (body.tee !== TEE_TDX) throw malformed(`tee must be "${TEE_TDX}", got "${body.tee}"`)
  expectBytes('imageHash', body.imageHash, 32)
  expectBytes('sealKey', body.sealKey, 32)
  if (body.modelHashes.length > MAX_MODEL_HASHES) throw malformed(`at most ${MAX_MODEL_HASHES} model hashes`)
  body.modelHashes.forEach((h, i) => { expectBytes(`modelHashes[${i}]`, h, 32) })
  expectText('gpu', body.gpu)
  expectText('payoutAddress', body.payoutAddress)
  if (!isTonAddress(body.payoutAddress)) throw malformed('payoutAddress is not a TON address')
  if (!Number.isSafeInteger(body.notBefore) || !Number.isSafeInteger(body.notAfter) || body.notBefore <= 0 || body.notAfter <= body.notBefore) {
    throw malformed('validity must be 0 < notBefore < notAfter')
  }
  const peerId = peerIdFromBody(body.peerId)
  return {
    tee: TEE_TDX,
    imageHash: body.imageHash,
    peerId,
    workerKey: peerId.publicKey.raw,
    sealKey: body.sealKey,
    payoutAddress: body.payoutAddress,
    gpu: body.gpu,
    modelHashes: body.modelHashes,
    notBefore: body.notBefore,
    notAfter: body.notAfter
  }
}

/**
 * Decodes a certificate and its body, refusing anything but the canonical encoding: one certificate has one
 * byte form, so its hash (what the registry anchors) cannot be varied by re-encoding.
 */
export function decodeCertificate (bytes: Uint8Array): DecodedCertificate {
  let message: Certificate
  let body: CertificateBody
  try {
    message = Certificate.decode(bytes)
    body = CertificateBody.decode(message.body, { limits: { modelHashes: MAX_MODEL_HASHES } })
  } catch (err) {
    throw malformed(`certificate does not decode: ${(err as Error).message}`, err)
  }
  if (!uint8ArrayEquals(Certificate.encode(message), bytes)) throw malformed('certificate is not canonically encoded')
  if (!uint8ArrayEquals(CertificateBody.encode(body), message.body)) throw malformed('certificate body is not canonically encoded')
  if (message.quote.length === 0) throw malformed('certificate has no quote')
  if (message.peerSignature.length !== 64) throw malformed('peer signature must be 64 bytes')
  return { bytes, hash: certificateHash(bytes), message, claims: claimsOf(body) }
}
