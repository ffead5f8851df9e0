/**
 * One node of the capacity-gossip swarm (bench/swarm.ts), as a real node runs it: node/libp2p.ts buildLibp2p
 * (TCP, noise, yamux, kad-dht, gossipsub), the real CapacityService, and the BootstrapKeeper that
 * node/create-node.ts runs. Workers announce a synthetic but well-formed snapshot; proxies dial every worker they
 * hear of, as node/roles/proxy.ts does, and record when each worker first entered their table.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { randomBytes } from '@noble/hashes/utils.js'
import { BootstrapKeeper, wasIdentified } from '../node/bootstrap-keeper.js'
import { buildLibp2p, type CocoonLibp2p } from '../node/libp2p.js'
import { CAPACITY_TOPIC, CapacityService, type CapacitySnapshot } from '../protocols/capacity/index.js'
import { meterGossip, type GossipMeter } from './lib-gossip-meter.js'

export type SwarmRole = 'proxy' | 'worker'

/** Loopback swarms dial fast and often; see NOTES.md (libp2p connection manager). */
const INBOUND_CONNECTION_THRESHOLD = 10_000
/** How long a proxy's dial to a worker it heard of may take (node/roles/proxy.ts uses the same). */
const PROXY_DIAL_TIMEOUT_MS = 10_000

export interface SwarmNode {
  role: SwarmRole
  id: string
  libp2p: CocoonLibp2p
  capacity: CapacityService
  meter: GossipMeter
  keeper: BootstrapKeeper
  /** Proxies: when each worker first entered this node's table (epoch ms, sub-millisecond, comparable across processes). */
  seen: Map<string, number>
  /** When this node began to start (same clock as `seen`). */
  startedAt: number
  /** When libp2p, the capacity service and announcing were all started (same clock). */
  readyAt: number
  /** When one of its announcements first reached a peer (same clock; workers only). */
  firstHeardAt?: number
  /** Milestones of this node's start (same clock): where a join's time goes before its first announcement is heard. */
  timeline: JoinTimeline
  /** How many peers this node's last capacity announcement was sent to (workers). */
  lastRecipients?: number
  /** Capacity announcements this node published, and (proxies) accepted into its table, since the last reset. */
  counts: { published: number, heard: number }
}

/** Epoch milliseconds with sub-millisecond resolution: comparable between processes on one machine. */
export function nowMs (): number {
  return performance.timeOrigin + performance.now()
}

/** What a mid-range GPU worker serving one model would announce. */
export function syntheticSnapshot (): CapacitySnapshot {
  return {
    models: [{ id: 'cocoon-tiny', sha256: new Uint8Array(32).fill(7), contextLength: 4096, priceNanoPerToken: 1000n }],
    slots: 4,
    freeSlots: 4,
    queue: 0,
    tokensPerSecond: 48.5,
    firstTokenMs: 35.2,
    gpu: 'NVIDIA H100 80GB HBM3',
    gpuMemoryBytes: 80n * 2n ** 30n,
    certHash: randomBytes(32)
  }
}

export interface JoinTimeline {
  /** First connection open (either direction). */
  firstConnectionAt?: number
  /** First identify completed with a peer. */
  firstIdentifyAt?: number
  /** First peer seen subscribed to the capacity topic. */
  firstSubscriberAt?: number
}

export interface StartOptions {
  role: SwarmRole
  bootstrap: string[]
  /** Called with the reason of every announcement this node's validator rejected. */
  onReject?: (reason: string) => void
}

export async function startSwarmNode (opts: StartOptions): Promise<SwarmNode> {
  const startedAt = nowMs()
  const libp2p = await buildLibp2p({
    role: opts.role,
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: opts.bootstrap,
    inboundConnectionThreshold: INBOUND_CONNECTION_THRESHOLD
  })
  const meter = meterGossip(libp2p)
  const capacity = new CapacityService({ peerId: libp2p.peerId, pubsub: libp2p.services.pubsub })
  const keeper = new BootstrapKeeper(libp2p, opts.bootstrap)
  const node: SwarmNode = { role: opts.role, id: libp2p.peerId.toString(), libp2p, capacity, meter, keeper, seen: new Map(), startedAt, readyAt: 0, counts: { published: 0, heard: 0 }, timeline: {} }
  libp2p.addEventListener('connection:open', () => { node.timeline.firstConnectionAt ??= nowMs() })
  libp2p.addEventListener('peer:identify', () => { node.timeline.firstIdentifyAt ??= nowMs() })
  libp2p.services.pubsub.addEventListener('subscription-change', (evt) => {
    if (evt.detail.subscriptions.some(s => s.topic === CAPACITY_TOPIC && s.subscribe)) node.timeline.firstSubscriberAt ??= nowMs()
  })
  const publish = libp2p.services.pubsub.publish.bind(libp2p.services.pubsub)
  libp2p.services.pubsub.publish = async (topic: string, data?: Uint8Array) => {
    if (topic !== CAPACITY_TOPIC) return publish(topic, data)
    node.counts.published++
    const result = await publish(topic, data)
    node.lastRecipients = result.recipients.length
    if (result.recipients.length > 0) node.firstHeardAt ??= nowMs()
    return result
  }
  capacity.events.onReject = (_from, reason) => opts.onReject?.(reason)
  if (opts.role === 'proxy') {
    capacity.events.onAnnouncement = (peerId) => {
      node.counts.heard++
      if (!node.seen.has(peerId)) node.seen.set(peerId, nowMs())
      const id = peerIdFromString(peerId)
      if (libp2p.getConnections(id).length === 0) libp2p.dial(id, { signal: AbortSignal.timeout(PROXY_DIAL_TIMEOUT_MS) }).catch(() => {})
    }
  }
  await libp2p.start()
  keeper.start()
  await capacity.start()
  if (opts.role === 'worker') capacity.startAnnouncing(syntheticSnapshot)
  node.readyAt = nowMs()
  return node
}

/** Why a worker might be missing from proxy tables: its connections, capacity-topic peers and last publish. */
export async function describeWorker (node: SwarmNode): Promise<Record<string, number | string | undefined>> {
  const pubsub = node.libp2p.services.pubsub
  const connections = node.libp2p.getConnections()
  const links = await Promise.all(connections.map(async c => {
    const identified = await wasIdentified(node.libp2p, c.remotePeer) ? 'identified' : 'never identified'
    const streams = c.streams.map(st => `${st.direction === 'inbound' ? 'in' : 'out'}:${st.protocol ?? '?'}`).join('+')
    return `[${c.direction} ${c.status} ${Math.round((Date.now() - c.timeline.open) / 1000)}s, peer ${identified}, streams ${streams === '' ? 'none' : streams}]`
  }))
  return {
    links: links.join(' '),
    id: node.id,
    connections: connections.length,
    topicPeers: pubsub.getSubscribers(CAPACITY_TOPIC).length,
    // Not on the GossipSub interface, but on its implementation.
    meshPeers: (pubsub as unknown as { getMeshPeers?: (topic: string) => string[] }).getMeshPeers?.(CAPACITY_TOPIC).length,
    published: node.counts.published,
    lastRecipients: node.lastRecipients
  }
}

export async function stopSwarmNode (node: SwarmNode): Promise<void> {
  node.meter.stop()
  node.keeper.stop()
  await node.capacity.stop()
  await node.libp2p.stop()
}
