import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Ed25519PrivateKey, PeerId } from '@libp2p/interface'
import { Address } from '@ton/core'
import {
  createTonClient, ensureWorkerRegistered, loadOrCreateMnemonic, Registry, requestFaucet, walletFromMnemonic, REGISTER_FEE_MARGIN
} from '../../contracts/index.js'
import type { ModelHost } from '../../models/index.js'
import { AttestationService, type Collateral } from '../../protocols/attestation/index.js'
import { CAPACITY_TOPIC, CapacityService, type CapacitySnapshot } from '../../protocols/capacity/index.js'
import { wireBytes } from '../../protocols/common/bytes.js'
import { WorkService } from '../../protocols/job/index.js'
import { generateSealKeyPair } from '../../protocols/seal/index.js'
import { buildLibp2p, type CocoonLibp2p } from '../../node/libp2p.js'
import type { TestNetwork } from './harness.js'

/** What a crafting function gets to build its certificate from: the worker's own keys and wallet. */
export interface CraftContext {
  privateKey: Ed25519PrivateKey
  sealPublicKey: Uint8Array
  payoutAddress: string
}

/** The registry entry a crafted worker anchors (any values the registry itself accepts). */
export interface EntryToAnchor {
  certHash: Uint8Array
  imageHash: Uint8Array
  /** Unix seconds. */
  expiresAt: number
}

/** A certificate to serve on /cocoon/attest/1.0.0 and, optionally, the entry to anchor on chain first. */
export interface Crafted {
  certificate: Uint8Array
  certHash: Uint8Array
  collateral: Collateral
  anchor?: EntryToAnchor
}

export interface CraftedWorker {
  name: string
  peerId: PeerId
  /** The real job handler: `jobsDone` counts jobs it ran to the end. */
  work: WorkService
  stop: () => Promise<void>
}

export interface CraftedWorkerOptions {
  net: TestNetwork
  name: string
  /** Loaded models, shared by every crafted worker of the test process. */
  host: ModelHost
  craft: (ctx: CraftContext) => Promise<Crafted>
}

/**
 * A worker assembled in the test process from the product's own parts (libp2p node, AttestationService,
 * WorkService with a real model, CapacityService), serving whatever certificate `craft` makes. Everything but
 * the certificate is honest, so a job routed to it would succeed: if it never gets one, the certificate is why.
 */
export async function startCraftedWorker (opts: CraftedWorkerOptions): Promise<CraftedWorker> {
  const privateKey = await generateKeyPair('Ed25519')
  const seal = generateSealKeyPair()
  const dataDir = join(opts.net.dir, opts.name)
  const mnemonic = await loadOrCreateMnemonic(dataDir)
  const wallet = await walletFromMnemonic(mnemonic)
  const crafted = await opts.craft({
    privateKey,
    sealPublicKey: seal.publicKey,
    payoutAddress: wallet.address.toString({ bounceable: false })
  })
  if (crafted.anchor != null) await anchorEntry(opts.net, mnemonic, privateKey, crafted.anchor)

  const libp2p: CocoonLibp2p = await buildLibp2p({ role: 'worker', privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [opts.net.proxyAddress] })
  const attest = new AttestationService({ registrar: libp2p, logger: libp2p.logger }, {
    bundle: { certificate: crafted.certificate, collateral: crafted.collateral }
  })
  const work = new WorkService({ handle: libp2p.handle.bind(libp2p), unhandle: libp2p.unhandle.bind(libp2p) }, {
    sealPrivateKey: seal.privateKey,
    privateKey,
    findModel: (m) => opts.host.get(m)
  })
  const capacity = new CapacityService({ peerId: libp2p.peerId, pubsub: libp2p.services.pubsub })
  await libp2p.start()
  await attest.start()
  await work.start()
  await capacity.start()
  // A product worker announces seconds after it reached the proxy (models load, the entry is anchored); do the
  // same, so the first announcements go straight to the proxy rather than round about through other workers.
  await proxySubscribed(libp2p, opts.net.proxyAddress)
  capacity.startAnnouncing(() => snapshotOf(opts.host, crafted.certHash))
  return {
    name: opts.name,
    peerId: libp2p.peerId,
    work,
    stop: async () => {
      await capacity.stop()
      await work.stop()
      await attest.stop()
      await libp2p.stop()
    }
  }
}

async function proxySubscribed (libp2p: CocoonLibp2p, proxyAddress: string, timeoutMs = 30_000): Promise<void> {
  const proxy = proxyAddress.split('/p2p/')[1]
  const deadline = Date.now() + timeoutMs
  while (!libp2p.services.pubsub.getSubscribers(CAPACITY_TOPIC).some(p => p.toString() === proxy)) {
    if (Date.now() > deadline) throw new Error(`the proxy ${proxy} did not show up on ${CAPACITY_TOPIC} within ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** Funds the wallet from the devnet faucet and registers the entry with the minimum stake, as WorkerChain does. */
async function anchorEntry (net: TestNetwork, mnemonic: string[], privateKey: Ed25519PrivateKey, entry: EntryToAnchor): Promise<void> {
  const client = createTonClient({ endpoint: net.endpoint })
  const { minStake } = await client.open(Registry.createFromAddress(Address.parse(net.registry))).getParams()
  const wallet = await walletFromMnemonic(mnemonic)
  await requestFaucet(net.endpoint, wallet.address, minStake + REGISTER_FEE_MARGIN + 10n ** 9n)
  await ensureWorkerRegistered({
    endpoint: net.endpoint,
    registry: net.registry,
    walletMnemonic: mnemonic,
    workerKey: privateKey.publicKey.raw,
    certHash: entry.certHash,
    imageHash: entry.imageHash,
    expiresAt: entry.expiresAt,
    stake: minStake,
    signWithWorkerKey: async m => privateKey.sign(m)
  })
}

/** The same capacity report a product worker publishes (node/roles/worker.ts), for the shared models. */
function snapshotOf (host: ModelHost, certHash: Uint8Array): CapacitySnapshot {
  const hosted = host.list()
  const slots = hosted.reduce((s, h) => s + h.model.slots, 0)
  const busy = hosted.reduce((s, h) => s + h.model.busySlots(), 0)
  const speeds = hosted.map(h => h.speed).filter(s => s != null)
  return {
    models: hosted.map(h => ({ id: h.model.info.id, sha256: wireBytes(Buffer.from(h.model.info.sha256, 'hex')), contextLength: h.model.info.contextLength, priceNanoPerToken: 1000n })),
    slots,
    freeSlots: Math.max(0, slots - busy),
    queue: 0,
    tokensPerSecond: speeds.length > 0 ? Math.min(...speeds.map(s => s.tokensPerSecond)) : 0,
    firstTokenMs: speeds.length > 0 ? Math.max(...speeds.map(s => s.firstTokenMs)) : 0,
    gpu: 'cpu',
    gpuMemoryBytes: 0n,
    certHash: wireBytes(certHash)
  }
}
