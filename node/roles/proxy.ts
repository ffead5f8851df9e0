import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { equals } from 'uint8arrays/equals'
import { attestationReasonOf } from '../../protocols/attestation/index.js'
import type { Admission, CapacityAnnouncement } from '../../protocols/capacity/index.js'
import { ProxyService } from '../../protocols/job/index.js'
import type { NodeParts, RoleModule } from '../create-node.js'
import { attestationCacheFor, certificateSource, registryViewFor, requireChain } from './trust.js'

type AnnouncedModel = CapacityAnnouncement['models'][number]

/** An announced model the proxy will not route to, and why. */
export interface RefusedModel { id: string, sha256: string, why: 'not in the certificate' | 'not allowed by the registry' }

/**
 * Splits announced models into those the proxy may route to (named in the worker's attested certificate and
 * allowed by the registry) and the rest. A model outside the certificate was never attested; one the registry
 * does not allow is one the network's admin has not vetted.
 */
export async function admitModels (models: AnnouncedModel[], certified: Uint8Array[], isModelAllowed: (sha256: Uint8Array) => Promise<boolean>): Promise<{ allowed: AnnouncedModel[], refused: RefusedModel[] }> {
  const allowed: AnnouncedModel[] = []
  const refused: RefusedModel[] = []
  for (const m of models) {
    const sha256 = Buffer.from(m.sha256).toString('hex')
    if (!certified.some(h => equals(h, m.sha256))) refused.push({ id: m.id, sha256, why: 'not in the certificate' })
    else if (!(await isModelAllowed(m.sha256))) refused.push({ id: m.id, sha256, why: 'not allowed by the registry' })
    else allowed.push(m)
  }
  return { allowed, refused }
}

/**
 * The proxy role: admits only attested, anchored workers into its capacity table, and routes sealed jobs to
 * them. Everything it relays is ciphertext; it keeps only sizes, timings and outcomes.
 */
export async function proxyRole (parts: NodeParts): Promise<RoleModule> {
  const { config, logger, libp2p, capacity } = parts
  const chain = requireChain(config)
  const registry = registryViewFor(chain)
  const cache = attestationCacheFor(chain, logger, registry)
  const certificateFor = certificateSource(libp2p, cache)
  const refused = new Map<string, string>()
  /** What was last logged about a worker's refused models, so a steady announcement is logged once. */
  const refusedModels = new Map<string, string>()

  const admit = async (from: PeerId, a: CapacityAnnouncement): Promise<Admission> => {
    try {
      const cert = await certificateFor(from, AbortSignal.timeout(5000), a.certHash)
      if (!equals(cert.hash, a.certHash)) return 'ignore' // announced before or after a renewal; the next one will match
      const { allowed, refused: badModels } = await admitModels(a.models, cert.modelHashes, async h => await registry.isModelAllowed(h))
      const key = from.toString()
      const summary = JSON.stringify(badModels)
      if (badModels.length > 0 && refusedModels.get(key) !== summary) {
        logger.warn({ worker: key, reason: 'MODEL_NOT_ALLOWED', models: badModels }, 'worker models refused')
      }
      refusedModels.set(key, summary)
      if (allowed.length === 0) {
        refused.set(key, 'MODEL_NOT_ALLOWED')
        return 'ignore'
      }
      refused.delete(key)
      // Only the allowed models enter this proxy's table and routing.
      return allowed.length === a.models.length ? 'accept' : { accept: { ...a, models: allowed } }
    } catch (err) {
      const reason = attestationReasonOf(err) ?? (err as { code?: string }).code ?? 'UNKNOWN'
      if (refused.get(from.toString()) !== reason) {
        logger.warn({ worker: from.toString(), reason, err: (err as Error).message }, 'worker refused: attestation failed')
        refused.set(from.toString(), reason)
      }
      // Always 'ignore', never 'reject': only proxies run this check, so workers relay such announcements as valid,
      // and gossipsub's invalid-delivery penalty (P4) for a rejected message also falls on every peer that relayed
      // it. One refused worker would get the honest workers relaying its gossip graylisted here, and dropped from
      // the table. The refusal is cached (AttestationCache), so a repeat costs a certificate fetch and a lookup.
      return 'ignore'
    }
  }

  const service = new ProxyService({
    handle: libp2p.handle.bind(libp2p),
    unhandle: libp2p.unhandle.bind(libp2p),
    dialProtocol: libp2p.dialProtocol.bind(libp2p)
  }, {
    table: capacity.table,
    certificateFor,
    logger: logger.child({ component: 'jobs' })
  })

  return {
    async start () {
      capacity.setAdmission(admit)
      // Hear every worker first hand: a worker known only through another proxy would vanish with it.
      capacity.events.onAnnouncement = (worker) => {
        const id = peerIdFromString(worker)
        if (libp2p.getConnections(id).length === 0) libp2p.dial(id, { signal: AbortSignal.timeout(10_000) }).catch(() => {})
      }
      await service.start()
    },
    async stop () {
      await service.stop()
    },
    status () {
      return { jobs: service.counters, refusedWorkers: Object.fromEntries(refused) }
    }
  }
}
