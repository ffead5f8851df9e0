import type { Ed25519PrivateKey } from '@libp2p/interface'
import { BUILTIN_MODEL_ID, deviceLabel, deviceMemoryBytes, ModelHost, ThreadedEngine, type DeviceInfo } from '../../models/index.js'
import { AttestationService, issueCertificate, type IssuedCertificate, type TeeProvider } from '../../protocols/attestation/index.js'
import type { CapacitySnapshot } from '../../protocols/capacity/index.js'
import { wireBytes } from '../../protocols/common/bytes.js'
import { modelKey } from '../../protocols/discovery/index.js'
import { CHUNK_COALESCE_MS, WorkService } from '../../protocols/job/index.js'
import { generateSealKeyPair, sealPublicKeyOf } from '../../protocols/seal/index.js'
import { createModelProgress } from '../cli/models.js'
import { pinEngine } from '../engine-placement.js'
import type { NodeParts, RoleModule } from '../create-node.js'
import { chooseTee, createTeeProvider } from './tee-choice.js'
import { requireChain } from './trust.js'
import { WorkerChain } from './worker-chain.js'

const SEAL_KEY = 'seal-key'

/** Renew the certificate (and its registry entry) when this fraction of its lifetime has passed. */
const RENEW_AT_FRACTION = 0.8

/**
 * The worker role: loads models, obtains an attestation certificate binding its libp2p and seal keys to its TEE
 * measurement, anchors it in the registry, then serves sealed jobs and announces its capacity.
 */
export async function workerRole (parts: NodeParts): Promise<RoleModule> {
  const { config, logger, libp2p, capacity, provider } = parts
  const chain = requireChain(config)
  const tee: TeeProvider = await createTeeProvider(chooseTee(config), logger.child({ component: 'tee' }))
  // The engine on a thread of its own, so the job protocol's work (seals, frames, socket writes) does not come out
  // of its core; tokens cross over at most once per chunk interval, as the work protocol sends them on anyway.
  const engine = new ThreadedEngine({ logger: logger.child({ component: 'engine' }), batchMs: CHUNK_COALESCE_MS })
  if (config.engineCpus != null) {
    await pinEngine(engine, config.engineCpus)
    logger.info({ engineCpus: config.engineCpus }, 'inference engine runs on these CPUs only')
  }
  // Bars on a terminal while models are hashed and loaded; the log records each phase's end otherwise.
  const progress = createModelProgress()
  const host = new ModelHost({
    engine,
    dataDir: config.data,
    slots: config.slots,
    logger: logger.child({ component: 'models' }),
    onProgress: (ref, p) => {
      progress.onProgress(ref, p)
      if (p.done === p.total) logger.debug({ model: ref, phase: p.phase }, 'model phase done')
    }
  })
  const sealPrivateKey = await loadOrCreateSealKey(parts)
  const workerChain = new WorkerChain({ ...chain, dataDir: config.data, privateKey: parts.privateKey, logger: logger.child({ component: 'chain' }) })
  const attest = new AttestationService({ registrar: libp2p, logger: libp2p.logger })
  let device: DeviceInfo | undefined
  let certificate: IssuedCertificate | undefined
  let renewTimer: ReturnType<typeof setTimeout> | undefined
  /** Slots over every model this worker serves. */
  const totalSlots = (): number => host.list().reduce((n, h) => n + h.model.slots, 0)
  const work = new WorkService({ handle: libp2p.handle.bind(libp2p), unhandle: libp2p.unhandle.bind(libp2p) }, {
    sealPrivateKey,
    privateKey: parts.privateKey,
    findModel: (m) => host.get(m),
    onLoadChange: () => { capacity.loadChanged(work.activeJobs, totalSlots()) },
    logger: logger.child({ component: 'work' })
  })

  const certify = async (): Promise<void> => {
    const payout = config.payout ?? await workerChain.walletAddress()
    certificate = await issueCertificate({
      privateKey: parts.privateKey as Ed25519PrivateKey,
      sealPublicKey: sealPublicKeyOf(sealPrivateKey),
      payoutAddress: payout,
      gpu: device == null ? 'cpu' : deviceLabel(device),
      modelHashes: host.list().map(h => Buffer.from(h.model.info.sha256, 'hex')),
      tee
    })
    await workerChain.anchor(certificate)
    attest.setBundle({ certificate: certificate.bytes, collateral: certificate.collateral })
    const lifetimeMs = (certificate.claims.notAfter - certificate.claims.notBefore) * 1000
    clearTimeout(renewTimer)
    renewTimer = setTimeout(() => {
      certify().catch(err => logger.error({ err: (err as Error).message }, 'certificate renewal failed'))
    }, Math.max(1000, lifetimeMs * RENEW_AT_FRACTION))
    renewTimer.unref?.()
  }

  const snapshot = (): CapacitySnapshot => {
    const hosted = host.list()
    const slots = totalSlots()
    const busy = hosted.reduce((s, h) => s + h.model.busySlots(), 0)
    const speeds = hosted.map(h => h.speed).filter(s => s != null)
    return {
      models: hosted.map(h => ({ id: h.model.info.id, sha256: wireBytes(Buffer.from(h.model.info.sha256, 'hex')), contextLength: h.model.info.contextLength, priceNanoPerToken: config.price })),
      slots,
      freeSlots: Math.max(0, slots - busy),
      queue: Math.max(0, work.activeJobs - busy),
      tokensPerSecond: speeds.length > 0 ? Math.min(...speeds.map(s => s.tokensPerSecond)) : 0,
      firstTokenMs: speeds.length > 0 ? Math.max(...speeds.map(s => s.firstTokenMs)) : 0,
      // The same device name as the certificate's ('cpu' on a CPU), and 0 bytes of GPU memory there.
      gpu: device == null ? 'cpu' : deviceLabel(device),
      gpuMemoryBytes: device == null ? 0n : deviceMemoryBytes(device),
      certHash: wireBytes(certificate?.hash ?? new Uint8Array(0))
    }
  }

  return {
    async start () {
      device = await engine.device()
      const { loaded, failed } = await host.start(config.model.length > 0 ? config.model : [BUILTIN_MODEL_ID]).finally(() => progress.stop())
      for (const f of failed) logger.error({ model: f.ref, code: f.error.code, err: f.error.message }, 'model not served')
      if (loaded.length === 0) throw new Error('no model could be loaded; this worker has nothing to serve')
      await attest.start()
      await work.start()
      await certify()
      for (const h of loaded) provider.add(`model:${h.model.info.id}`, await modelKey(h.model.info.sha256))
      // Announce only once the certificate is anchored: proxies would refuse us before that.
      // Held while a job waits for its first token: publishing would take the main thread just as it is handed over.
      capacity.startAnnouncing(snapshot, work.starting.any)
      logger.info({ models: loaded.map(h => h.model.info.id), device: device.kind, gpu: device.gpuName }, 'worker ready')
    },
    async stop () {
      clearTimeout(renewTimer)
      await work.stop()
      await attest.stop()
      await host.close()
      await engine.close()
    },
    status () {
      return {
        models: host.list().map(h => ({ id: h.model.info.id, sha256: h.model.info.sha256, slots: h.model.slots, busy: h.model.busySlots(), ...h.speed })),
        jobsDone: work.jobsDone,
        jobsOpenedAhead: work.jobsOpenedAhead,
        certificate: certificate == null ? undefined : { hash: Buffer.from(certificate.hash).toString('hex'), notAfter: certificate.claims.notAfter },
        wallet: workerChain.address
      }
    }
  }
}

async function loadOrCreateSealKey (parts: NodeParts): Promise<Uint8Array> {
  const saved = await parts.store.getBytes(SEAL_KEY)
  if (saved != null) return saved
  const { privateKey } = generateSealKeyPair()
  await parts.store.putBytes(SEAL_KEY, privateKey)
  return privateKey
}
