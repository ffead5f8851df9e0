import { BUILTIN_MODEL_SHA256 } from '../../models/index.js'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  certificateHash, createTestAuthority, decodeCertificate, DevTeeProvider, encodeCertificate, issueCertificate, type AttestationReason,
  type IssuedCertificate, type TdMeasurements, type TestAuthority
} from '../../protocols/attestation/index.js'
import type { CraftContext, Crafted } from './trust-crafted-worker.js'

/**
 * Certificates for crafted workers: one honest, and one per way a certificate can be wrong that a product worker
 * cannot be told to produce. Each names the refusal reason the proxy must log for it.
 */
export interface Scenario {
  name: string
  /** The reason the proxy logs; undefined for the honest control. */
  reason?: AttestationReason | 'MODEL_NOT_ALLOWED'
  craft: (ctx: CraftContext) => Promise<Crafted>
}

const HOUR_S = 3600

async function issue (ctx: CraftContext, tee: DevTeeProvider, extra: { lifetimeSeconds?: number, now?: () => number, modelHashes?: Uint8Array[] } = {}): Promise<IssuedCertificate> {
  return await issueCertificate({
    privateKey: ctx.privateKey,
    sealPublicKey: ctx.sealPublicKey,
    payoutAddress: ctx.payoutAddress,
    gpu: 'cpu',
    modelHashes: [Buffer.from(BUILTIN_MODEL_SHA256, 'hex')],
    tee,
    ...extra
  })
}

/** Serves `cert` and anchors exactly it, as the product worker does. */
function anchored (cert: IssuedCertificate): Crafted {
  return {
    certificate: cert.bytes,
    certHash: cert.hash,
    collateral: cert.collateral,
    anchor: { certHash: cert.hash, imageHash: cert.claims.imageHash, expiresAt: cert.claims.notAfter }
  }
}

/** Measurements of an image the devnet registry does not allow-list. */
function unlistedImage (): TdMeasurements {
  const reg = (b: number): Uint8Array => new Uint8Array(48).fill(b)
  return { mrTd: reg(0xa1), rtmrs: [reg(0xa2), reg(0xa3), reg(0xa4), reg(0xa5)] }
}

export async function scenarios (authority: TestAuthority): Promise<{ control: Scenario, adversaries: Scenario[] }> {
  // A test root of its own, which the registry never accepted. A product worker refuses to register under it
  // (the root check before sending); this one registers anyway, as a modified worker could.
  const rogue = await createTestAuthority()
  const devTee = new DevTeeProvider(authority)
  const control: Scenario = { name: 'crafted-honest', craft: async ctx => anchored(await issue(ctx, devTee)) }
  const adversaries: Scenario[] = [
    {
      name: 'crafted-root',
      reason: 'ROOT_NOT_ACCEPTED',
      craft: async ctx => anchored(await issue(ctx, new DevTeeProvider(rogue)))
    },
    {
      // A sound, anchored certificate that names another model than the one announced: the announced model was
      // never attested, so the proxy keeps it out of routing (and with nothing left, the worker too).
      name: 'crafted-model',
      reason: 'MODEL_NOT_ALLOWED',
      craft: async ctx => anchored(await issue(ctx, devTee, { modelHashes: [sha256(new TextEncoder().encode('some other model'))] }))
    },
    {
      // The quote is genuine and binds the body, but measures another image. The registry refuses to register
      // a disallowed image at all, so this worker has no entry: the image check comes first and names it.
      name: 'crafted-image',
      reason: 'IMAGE_NOT_ALLOWED',
      craft: async ctx => {
        const cert = await issue(ctx, new DevTeeProvider(authority, unlistedImage()))
        return { certificate: cert.bytes, certHash: cert.hash, collateral: cert.collateral }
      }
    },
    {
      // A valid certificate, but the entry on chain anchors a different one of the same worker.
      name: 'crafted-unanchored',
      reason: 'CERT_NOT_ANCHORED',
      craft: async ctx => {
        const served = await issue(ctx, devTee, { lifetimeSeconds: 2 * HOUR_S })
        const other = await issue(ctx, devTee, { lifetimeSeconds: 3 * HOUR_S })
        return { ...anchored(other), certificate: served.bytes, certHash: served.hash, collateral: served.collateral }
      }
    },
    {
      // One byte of MRTD flipped inside the quote, and the tampered certificate's own hash anchored: only the
      // quote is wrong, and DCAP verification catches it (the quote signature no longer verifies).
      name: 'crafted-flipped',
      reason: 'QUOTE_INVALID',
      craft: async ctx => {
        const cert = await issue(ctx, devTee)
        const decoded = decodeCertificate(cert.bytes)
        const quote = new Uint8Array(decoded.message.quote)
        quote[48 + 136] ^= 0x01
        const tampered = encodeCertificate({ ...decoded.message, quote })
        const hash = certificateHash(tampered)
        return { certificate: tampered, certHash: hash, collateral: cert.collateral, anchor: { certHash: hash, imageHash: cert.claims.imageHash, expiresAt: cert.claims.notAfter } }
      }
    },
    {
      // Issued two hours ago for ten minutes. The registry only takes an expiry in the future, so the entry
      // anchors this very certificate with a live expiry: the certificate's own notAfter is what refuses it.
      name: 'crafted-expired',
      reason: 'EXPIRED',
      craft: async ctx => {
        const cert = await issue(ctx, devTee, { lifetimeSeconds: 600, now: () => Date.now() - 2 * HOUR_S * 1000 })
        return { ...anchored(cert), anchor: { certHash: cert.hash, imageHash: cert.claims.imageHash, expiresAt: Math.floor(Date.now() / 1000) + HOUR_S } }
      }
    }
  ]
  return { control, adversaries }
}
