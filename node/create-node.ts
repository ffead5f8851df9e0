import type { Logger } from 'pino'
import { CapacityService } from '../protocols/capacity/index.js'
import { KeyProvider, proxyKey } from '../protocols/discovery/index.js'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { defaultListen, type NodeConfig, type Role } from './config.js'
import { loadOrCreateIdentity } from './identity.js'
import { buildLibp2p, type CocoonLibp2p } from './libp2p.js'
import { silentLogger } from './logging.js'
import { MetricsServer } from './metrics.js'
import { BootstrapKeeper } from './bootstrap-keeper.js'
import { writeStatus, type NodeStatus } from './status.js'
import { NodeStore } from './store.js'
import { traceFromEnv } from './trace-file.js'

/** A role's own services, started after libp2p and stopped before it. */
export interface RoleModule {
  start (): Promise<void>
  stop (): Promise<void>
  /** Facts for `cocoon status`. */
  status? (): Record<string, unknown>
}

export interface NodeParts {
  config: NodeConfig
  /** The libp2p identity key (workers sign certificates and Final with it). */
  privateKey: PrivateKey
  logger: Logger
  store: NodeStore
  libp2p: CocoonLibp2p
  capacity: CapacityService
  provider: KeyProvider
  metrics?: MetricsServer
}

/** Builds the role module given the node's shared parts; set by node/roles. */
export type RoleFactory = (parts: NodeParts) => Promise<RoleModule> | RoleModule

export interface CreateNodeOptions {
  logger?: Logger
  /** The role's services. Without one the node runs discovery and gossip only. */
  roleFactory?: RoleFactory
  /** Seconds between status file writes. @default 2 */
  statusIntervalMs?: number
}

const STOP_TIMEOUT_MS = 10_000

/**
 * One Cocoon node: storage, identity, libp2p with DHT and gossip, discovery, capacity, and the role's services.
 * `start()` brings them up in order; `stop()` is idempotent and takes them down in reverse, within a timeout.
 */
export class CocoonNode {
  readonly role: Role
  readonly parts: NodeParts
  private module?: RoleModule
  private readonly roleFactory?: RoleFactory
  private readonly startedAt = Date.now()
  private statusTimer?: ReturnType<typeof setInterval>
  private stopping?: Promise<void>
  private readonly statusIntervalMs: number
  private readonly keeper: BootstrapKeeper

  private constructor (parts: NodeParts, options: CreateNodeOptions, dialList: string[]) {
    this.parts = parts
    this.role = parts.config.role
    this.roleFactory = options.roleFactory
    this.statusIntervalMs = options.statusIntervalMs ?? 2000
    this.keeper = new BootstrapKeeper(parts.libp2p, dialList)
  }

  static async init (config: NodeConfig, options: CreateNodeOptions = {}): Promise<CocoonNode> {
    traceFromEnv()
    const logger = options.logger ?? silentLogger
    const store = await NodeStore.open(config.data)
    try {
      const { privateKey, created } = await loadOrCreateIdentity(store)
      let node: CocoonNode | undefined
      const metrics = config.metrics != null ? new MetricsServer(() => node!.status()) : undefined
      // Peers cached at the last stop join the bootstrap list, so a restart needs no --bootstrap. They are redialled
      // like it too: a node started with only its cache, whose one dial at start failed, would otherwise stay alone.
      const savedPeers = (await store.loadPeers()).flatMap(p => p.addrs.map(a => `${a}/p2p/${p.id}`))
      const dialList = [...new Set([...config.bootstrap, ...savedPeers])]
      const libp2p = await buildLibp2p({
        role: config.role,
        privateKey,
        listen: config.listen ?? defaultListen(config.role),
        announce: config.announce,
        bootstrap: dialList,
        metricsRegistry: metrics?.registry
      })
      logger.info({ peerId: libp2p.peerId.toString(), role: config.role, newIdentity: created }, 'node identity')
      const capacity = new CapacityService({ peerId: libp2p.peerId, pubsub: libp2p.services.pubsub }, {
        logger: logger.child({ component: 'capacity' })
      })
      const provider = new KeyProvider({
        contentRouting: libp2p.contentRouting,
        events: libp2p,
        connectedPeers: () => libp2p.getConnections().length
      }, { logger: logger.child({ component: 'discovery' }) })
      node = new CocoonNode({ config, privateKey, logger, store, libp2p, capacity, provider, metrics }, options, dialList)
      return node
    } catch (err) {
      await store.close()
      throw err
    }
  }

  get peerId (): PeerId {
    return this.parts.libp2p.peerId
  }

  async start (): Promise<void> {
    const { libp2p, capacity, provider, config, logger } = this.parts
    await libp2p.start()
    this.keeper.start()
    if (config.role !== 'client') await capacity.start()
    if (config.role === 'proxy') provider.add('proxy', await proxyKey())
    this.module = await this.roleFactory?.(this.parts)
    await this.module?.start()
    if (config.role !== 'client') await provider.start()
    if (config.metrics != null) await this.parts.metrics?.listen(config.metrics, logger)
    logger.info({ addresses: libp2p.getMultiaddrs().map(String) }, 'node started')
    await this.writeStatus(true)
    this.statusTimer = setInterval(() => { void this.writeStatus(true).catch(() => {}) }, this.statusIntervalMs)
    this.statusTimer.unref?.()
  }

  async stop (): Promise<void> {
    this.stopping ??= this.doStop()
    return this.stopping
  }

  private async doStop (): Promise<void> {
    const { libp2p, capacity, provider, store, logger } = this.parts
    clearInterval(this.statusTimer)
    this.keeper.stop()
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['metrics', async () => this.parts.metrics?.close()],
      ['role', async () => this.module?.stop()],
      ['discovery', async () => provider.stop()],
      ['capacity', async () => capacity.stop()],
      ['peer cache', async () => store.savePeers(this.connectedPeerAddrs())],
      ['status', async () => this.writeStatus(false)],
      ['libp2p', async () => libp2p.stop()],
      ['store', async () => store.close()]
    ]
    for (const [name, step] of steps) {
      try {
        await withTimeout(step(), STOP_TIMEOUT_MS, name)
      } catch (err) {
        logger.warn({ step: name, err: (err as Error).message }, 'error while stopping')
      }
    }
    logger.info('node stopped')
  }

  status (): NodeStatus {
    const { libp2p, capacity, config } = this.parts
    const now = Date.now()
    return {
      peerId: libp2p.peerId.toString(),
      role: config.role,
      pid: process.pid,
      running: true,
      startedAt: this.startedAt,
      updatedAt: now,
      addresses: libp2p.getMultiaddrs().map(String),
      connectedPeers: libp2p.getConnections().map(c => ({ peerId: c.remotePeer.toString(), address: c.remoteAddr.toString() })),
      capacity: capacity.table.list().map(e => ({
        peerId: e.peerId,
        models: e.announcement.models.map(m => m.id),
        slots: e.announcement.slots,
        freeSlots: e.announcement.freeSlots,
        queue: e.announcement.queue,
        tokensPerSecond: e.announcement.tokensPerSecond,
        gpu: e.announcement.gpu,
        ageMs: now - e.receivedAt
      })),
      extra: this.module?.status?.() ?? {}
    }
  }

  private async writeStatus (running: boolean): Promise<void> {
    await writeStatus(this.parts.config.data, { ...this.status(), running })
  }

  private connectedPeerAddrs (): Array<{ id: string, addrs: string[] }> {
    const byPeer = new Map<string, Set<string>>()
    for (const c of this.parts.libp2p.getConnections()) {
      // Only addresses a peer listens on are worth dialling again; inbound remote ports are ephemeral.
      if (c.direction !== 'outbound') continue
      const id = c.remotePeer.toString()
      const addr = c.remoteAddr.decapsulateCode(421).toString()
      byPeer.set(id, (byPeer.get(id) ?? new Set()).add(addr))
    }
    return [...byPeer].map(([id, addrs]) => ({ id, addrs: [...addrs] }))
  }
}

/** Creates and starts a node. */
export async function createNode (config: NodeConfig, options: CreateNodeOptions = {}): Promise<CocoonNode> {
  const node = await CocoonNode.init(config, options)
  try {
    await node.start()
  } catch (err) {
    await node.stop()
    throw err
  }
  return node
}

async function withTimeout<T> (p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not stop within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([p, timeout])
  } finally {
    clearTimeout(timer)
  }
}
