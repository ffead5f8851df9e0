import { InMemoryRegistry } from './in-memory-registry.js'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { x25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { Ed25519PeerId, Ed25519PrivateKey } from '@libp2p/interface'
import {
  createTestAuthority, DEV_IMAGE_HASH, DevTeeProvider, imageHashOf, issueCertificate,
  type IssuedCertificate, type TdMeasurements, type TeeProvider, type TestAuthority
} from '../../protocols/attestation/index.js'

/** A fixed start time so every test sees the same validity windows. */
export const T0_MS = Date.parse('2031-03-01T12:00:00Z')

export const PAYOUT_ADDRESS = 'EQD__________________________________________0vo'
export const MODEL_HASH = sha256(new TextEncoder().encode('tiny-model'))

/** A clock tests move by hand. */
export class ManualClock {
  ms: number
  constructor (ms = T0_MS) { this.ms = ms }
  readonly now = (): number => this.ms
  advanceSeconds (seconds: number): void { this.ms += seconds * 1000 }
}

export interface TestWorker {
  privateKey: Ed25519PrivateKey
  peerId: Ed25519PeerId
  issued: IssuedCertificate
  /** Anchors the certificate in the registry, as the worker's register transaction would. */
  register: (registry: InMemoryRegistry, overrides?: Partial<{ active: boolean, expiresAt: number, certHash: Uint8Array }>) => void
}

/** `tee`: the provider that quotes for the certificate (default: the dev TEE over `authority`). */
export async function makeWorker (authority: TestAuthority, clock: ManualClock, options: { measurements?: TdMeasurements, lifetimeSeconds?: number, tee?: TeeProvider } = {}): Promise<TestWorker> {
  const privateKey = await generateKeyPair('Ed25519')
  const issued = await issueCertificate({
    privateKey,
    sealPublicKey: x25519.getPublicKey(x25519.utils.randomSecretKey()),
    payoutAddress: PAYOUT_ADDRESS,
    gpu: 'NVIDIA H100',
    modelHashes: [MODEL_HASH],
    lifetimeSeconds: options.lifetimeSeconds ?? 3600,
    tee: options.tee ?? new DevTeeProvider(authority, options.measurements),
    now: clock.now
  })
  return {
    privateKey,
    peerId: peerIdFromPrivateKey(privateKey),
    issued,
    register: (registry, overrides = {}) => {
      registry.setWorker(issued.claims.workerKey, {
        certHash: overrides.certHash ?? issued.hash,
        imageHash: issued.claims.imageHash,
        expiresAt: overrides.expiresAt ?? issued.claims.notAfter,
        stake: 10n ** 9n,
        active: overrides.active ?? true
      })
    }
  }
}

/** A registry that accepts `authority` and the dev image, as the devnet registry does. */
export function devRegistry (authority: TestAuthority): InMemoryRegistry {
  return new InMemoryRegistry().acceptRoot(authority.rootHash).allowImage(DEV_IMAGE_HASH).allowModel(MODEL_HASH)
}

export async function makeAuthority (clock: ManualClock): Promise<TestAuthority> {
  return await createTestAuthority({ now: clock.now })
}

/** Measurements of some other image than the dev one. */
export function otherImage (): TdMeasurements {
  const reg = (b: number): Uint8Array => new Uint8Array(48).fill(b)
  return { mrTd: reg(1), rtmrs: [reg(2), reg(3), reg(4), reg(5)] }
}

export { imageHashOf }

/** Runs `fn` and returns what it threw (failing if it did not throw). */
export async function thrown (fn: () => Promise<unknown>): Promise<Error & { code?: string, data?: Record<string, unknown> }> {
  try {
    await fn()
  } catch (err) {
    return err as Error & { code?: string, data?: Record<string, unknown> }
  }
  throw new Error('expected a rejection')
}
