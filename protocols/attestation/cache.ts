import type { Logger } from 'pino'
import { sha256 } from '@noble/hashes/sha2.js'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import type { PeerId } from '@libp2p/interface'
import { systemClock, type Clock } from '../common/clock.js'
import { certificateHash, decodeCertificate } from './certificate.js'
import { checkPresenter, checkRootAccepted, checkStanding, checkValidityWindow, type RegistryStanding } from './checks.js'
import { encodeCollateral } from './collateral.js'
import { CACHE_MAX_ENTRIES, REFUSAL_TTL_MS, REGISTRY_REFRESH_AHEAD, REGISTRY_TTL_MS } from './constants.js'
import { attestationReasonOf, type AttestationReason } from './errors.js'
import { collateralForVerification, establishEvidence, readStanding, toSeconds, toVerified, type CertificateEvidence, type VerifiedCertificate } from './verify.js'
import type { RegistryView } from './registry.js'
import { silentLogger } from '../common/silent-logger.js'

export interface AttestationCacheInit {
  registry: RegistryView
  now?: Clock
  /** @default REGISTRY_TTL_MS */
  registryTtlMs?: number
  /** @default REFUSAL_TTL_MS */
  refusalTtlMs?: number
  /** @default CACHE_MAX_ENTRIES */
  maxEntries?: number
  logger?: Logger
}

export interface AttestationCacheStats {
  /** Verifications that reused settled evidence. */
  hits: number
  /** Verifications that ran the full quote verification. */
  misses: number
  /** Calls answered from a remembered refusal. */
  refusalsServed: number
}

/** Refusals that depend on the certificate bytes (and roots) alone, so replaying the bytes gets the same answer. */
const STICKY_REASONS: ReadonlySet<AttestationReason> = new Set(['MALFORMED', 'BAD_SIGNATURE', 'ROOT_NOT_ACCEPTED', 'REPORTDATA_MISMATCH', 'IMAGE_NOT_ALLOWED'])

/** A registry answer, good until `until`; `refreshing` while a background re-read is on its way. */
interface Timed<T> {
  value: T
  until: number
  refreshing?: boolean
}

interface Refusal {
  error: Error
  until: number
}

interface Entry {
  /** Settled until the certificate's notAfter. */
  evidence?: CertificateEvidence
  /** In-flight evidence computations, by collateral digest, so concurrent callers share one. */
  pending: Map<string, Promise<CertificateEvidence>>
  standing?: Timed<RegistryStanding>
  refusal?: Refusal
  /**
   * QUOTE_INVALID refusals by the collateral they were reached with: whoever hands us a victim's
   * certificate with broken collateral must not get the victim refused for everyone.
   */
  quoteRefusals: Map<string, Refusal>
}

const hex = (b: Uint8Array): string => uint8ArrayToString(b, 'base16')

function isEmpty (entry: Entry): boolean {
  return entry.evidence == null && entry.refusal == null && entry.standing == null && entry.pending.size === 0 && entry.quoteRefusals.size === 0
}

/**
 * Verifies certificates and remembers the results by certificate hash. The expensive part (peer signature,
 * DCAP quote verification, binding) is settled once and kept until the certificate's notAfter; the registry
 * part (accepted roots, image allow-list, the worker's entry) is re-read after `registryTtlMs`, so a slashed or
 * unbonded worker is refused again within seconds. Refusals are kept for `refusalTtlMs` so a peer replaying a
 * bad certificate cannot make us burn CPU. Presenter and validity window are checked on every call. A registry
 * answer past REGISTRY_REFRESH_AHEAD of its TTL is re-read in the background while callers keep using it, so a
 * steady stream of jobs never waits on the chain.
 */
export class AttestationCache {
  readonly stats: AttestationCacheStats = { hits: 0, misses: 0, refusalsServed: 0 }
  private readonly registry: RegistryView
  private readonly now: Clock
  private readonly registryTtlMs: number
  private readonly refusalTtlMs: number
  private readonly maxEntries: number
  private readonly log: Logger
  private readonly entries = new Map<string, Entry>()
  private roots?: Timed<Promise<Uint8Array[]>>

  constructor (init: AttestationCacheInit) {
    this.registry = init.registry
    this.now = init.now ?? systemClock
    this.registryTtlMs = init.registryTtlMs ?? REGISTRY_TTL_MS
    this.refusalTtlMs = init.refusalTtlMs ?? REFUSAL_TTL_MS
    this.maxEntries = init.maxEntries ?? CACHE_MAX_ENTRIES
    this.log = init.logger ?? silentLogger
  }

  get size (): number {
    return this.entries.size
  }

  /** Forgets one certificate (by hash) or everything. */
  clear (hash?: Uint8Array): void {
    if (hash == null) {
      this.entries.clear()
      this.roots = undefined
    } else {
      this.entries.delete(hex(hash))
    }
  }

  /** Same contract as `verifyCertificate`, answered from the cache where it can be. */
  async verify (certificate: Uint8Array, collateral: unknown, options: { expectedPeerId?: PeerId } = {}): Promise<VerifiedCertificate> {
    const key = hex(certificateHash(certificate))
    const nowMs = this.now()
    const entry = this.lookup(key)
    if (entry.refusal != null && entry.refusal.until > nowMs) {
      this.stats.refusalsServed++
      throw entry.refusal.error
    }

    let evidence = entry.evidence
    if (evidence == null) {
      evidence = await this.settle(key, entry, certificate, collateral, options.expectedPeerId, nowMs)
    } else {
      this.stats.hits++
    }

    const { claims } = evidence.certificate
    const nowSeconds = toSeconds(nowMs)
    checkPresenter(claims, options.expectedPeerId)
    try {
      checkValidityWindow(claims, nowSeconds)
    } catch (err) {
      if (nowSeconds > claims.notAfter) this.entries.delete(key)
      throw err
    }
    checkRootAccepted(evidence.rootHash, await this.acceptedRoots(nowMs))
    checkStanding(claims, evidence.certificate.hash, await this.standing(key, entry, evidence, nowMs), nowSeconds)
    return toVerified(evidence)
  }

  /** The entry for a certificate; a new one is only kept once it holds something (see `keep`). */
  private lookup (key: string): Entry {
    const entry = this.entries.get(key)
    if (entry == null) return { pending: new Map(), quoteRefusals: new Map() }
    // Refresh its place: eviction drops the least recently used first.
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry
  }

  private keep (key: string, entry: Entry): void {
    if (this.entries.get(key) === entry) return
    this.entries.set(key, entry)
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value
      if (oldest === undefined) break
      this.entries.delete(oldest)
    }
  }

  private refuse (key: string, entry: Entry, error: Error, nowMs: number): void {
    entry.refusal = { error, until: nowMs + this.refusalTtlMs }
    this.keep(key, entry)
  }

  /** Runs (or joins) the evidence computation for this certificate and collateral. */
  private async settle (key: string, entry: Entry, certificate: Uint8Array, collateral: unknown, expectedPeerId: PeerId | undefined, nowMs: number): Promise<CertificateEvidence> {
    let decoded
    try {
      decoded = decodeCertificate(certificate)
    } catch (err) {
      this.refuse(key, entry, err as Error, nowMs)
      throw err
    }
    // Cheap, per-caller checks first: a stranger replaying someone's certificate must not trigger DCAP work.
    checkPresenter(decoded.claims, expectedPeerId)
    checkValidityWindow(decoded.claims, toSeconds(nowMs))
    const normalized = collateralForVerification(collateral)
    const collateralKey = hex(sha256(encodeCollateral(normalized)))
    const quoteRefusal = entry.quoteRefusals.get(collateralKey)
    if (quoteRefusal != null && quoteRefusal.until > nowMs) {
      this.stats.refusalsServed++
      throw quoteRefusal.error
    }

    let pending = entry.pending.get(collateralKey)
    if (pending == null) {
      this.stats.misses++
      pending = (async () => establishEvidence(decoded, normalized, await this.acceptedRoots(nowMs), toSeconds(nowMs)))()
      entry.pending.set(collateralKey, pending)
      this.keep(key, entry) // so concurrent callers find and join it
    }
    try {
      const evidence = await pending
      entry.evidence = evidence
      this.keep(key, entry)
      return evidence
    } catch (err) {
      const reason = attestationReasonOf(err)
      if (reason != null && STICKY_REASONS.has(reason)) {
        this.refuse(key, entry, err as Error, nowMs)
      } else if (reason === 'QUOTE_INVALID') {
        entry.quoteRefusals.set(collateralKey, { error: err as Error, until: nowMs + this.refusalTtlMs })
        this.keep(key, entry)
      }
      this.log.debug({ certificate: key, reason, err }, 'certificate refused')
      throw err
    } finally {
      if (entry.pending.get(collateralKey) === pending) entry.pending.delete(collateralKey)
      if (isEmpty(entry) && this.entries.get(key) === entry) this.entries.delete(key)
    }
  }

  private async acceptedRoots (nowMs: number): Promise<Uint8Array[]> {
    const roots = this.roots
    if (roots != null && roots.until > nowMs) {
      this.refreshIfDue(roots, nowMs, async () => await this.registry.acceptedRoots(), (value, until) => {
        if (this.roots === roots) this.roots = { value: Promise.resolve(value), until }
      })
      return await roots.value
    }
    const value = this.registry.acceptedRoots()
    this.roots = { value, until: nowMs + this.registryTtlMs }
    value.catch(() => { if (this.roots?.value === value) this.roots = undefined })
    return await value
  }

  private async standing (key: string, entry: Entry, evidence: CertificateEvidence, nowMs: number): Promise<RegistryStanding> {
    const held = entry.standing
    if (held != null && held.until > nowMs) {
      this.refreshIfDue(held, nowMs, async () => await readStanding(this.registry, evidence.certificate.claims), (value, until) => {
        if (entry.standing === held) entry.standing = { value, until }
      })
      return held.value
    }
    const value = await readStanding(this.registry, evidence.certificate.claims)
    entry.standing = { value, until: nowMs + this.registryTtlMs }
    this.keep(key, entry)
    return value
  }

  /**
   * Past REGISTRY_REFRESH_AHEAD of its TTL, with no re-read already on its way: re-reads in the background and hands
   * the fresh answer to `store`, its TTL counted from the read's start. A failed re-read leaves the answer held
   * (good until its own TTL) for the next caller to try again. The read starts on the next turn of the event loop:
   * building a TON get-method request is synchronous work, and the caller is on its way to a job's first token.
   */
  private refreshIfDue<T> (held: Timed<unknown>, nowMs: number, read: () => Promise<T>, store: (value: T, until: number) => void): void {
    if (held.refreshing === true || nowMs < held.until - this.registryTtlMs * (1 - REGISTRY_REFRESH_AHEAD)) return
    held.refreshing = true
    setImmediate(() => {
      read().then(value => { store(value, nowMs + this.registryTtlMs) }, () => { held.refreshing = false })
    })
  }
}
