import { bootstrap } from '@libp2p/bootstrap'
import { gossipsub, StrictSign, type GossipSub } from '@libp2p/gossipsub'
import { identify, type Identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { noise } from '@libp2p/noise'
import { ping, type Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p, type Libp2p } from 'libp2p'
import { toString } from 'uint8arrays/to-string'
import type { Registry } from 'prom-client'
// Constants and scoring alone: the package roots also load the capacity and provider services, which a client never runs.
import { DHT_PROTOCOL } from '../protocols/discovery/constants.js'
import { CAPACITY_TOPIC, GOSSIP_MESH } from '../protocols/capacity/constants.js'
import { capacityTopicScoreParams } from '../protocols/capacity/scoring.js'
import type { Role } from './config.js'

const EMPTY = new Uint8Array(0)

/** Must be a `type` (not an interface) for createLibp2p's generic; see NOTES.md. */
export type CocoonServices = {
  identify: Identify
  ping: Ping
  dht: KadDHT
  pubsub: GossipSub
}

export type CocoonLibp2p = Libp2p<CocoonServices>

export interface Libp2pOptions {
  role: Role
  privateKey: PrivateKey
  listen: string[]
  bootstrap: string[]
  /** Extra announce addresses (e.g. a public IP behind NAT). */
  announce?: string[]
  /** Loopback swarms dial fast and often; raise the per-host inbound rate. @default 100 */
  inboundConnectionThreshold?: number
  maxConnections?: number
  /** Collect libp2p's metrics into this Prometheus registry (served by `--metrics`). */
  metricsRegistry?: Registry
}

/**
 * One libp2p node for any role. Proxies and workers are DHT servers; clients are DHT clients (they query but
 * never store records and need no reachable address). Private addresses stay in the routing table
 * (passthroughMapper) because local networks and tests run on loopback and LANs.
 */
/** When a proxy or worker runs its first DHT self-query (kad-dht's own default). */
const SERVER_FIRST_SELF_QUERY_MS = 1000

/**
 * Least time libp2p's connection monitor waits for a ping before it aborts the whole connection (libp2p: 5 s,
 * adapting upwards). A ping queues behind the data already on its way, and a connection carrying a fast stream can
 * hold seconds of it: in the relay bench a 30,000-chunk stream lost its connection, and the job with it, to a 5 s
 * ping timeout in 3 of 14 runs. Jobs have deadlines of their own (every read has one), so a dead peer's jobs
 * still fail within seconds; the monitor only has to find dead idle connections.
 * @default 30 s
 */
export const PING_TIMEOUT_MIN_MS = 30_000

export async function buildLibp2p (opts: Libp2pOptions): Promise<CocoonLibp2p> {
  const server = opts.role !== 'client'
  // Loaded only when asked for: prom-client and the metrics module weigh on every app that embeds the client.
  const metrics = opts.metricsRegistry != null
    ? (await import('@libp2p/prometheus-metrics')).prometheusMetrics({ registry: opts.metricsRegistry })
    : undefined
  return createLibp2p<CocoonServices>({
    privateKey: opts.privateKey,
    addresses: {
      listen: opts.listen,
      announce: opts.announce ?? []
    },
    transports: [tcp()],
    metrics,
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: opts.bootstrap.length > 0 ? [bootstrap({ list: opts.bootstrap, timeout: 0 })] : [],
    connectionManager: {
      inboundConnectionThreshold: opts.inboundConnectionThreshold ?? 100,
      maxConnections: opts.maxConnections ?? 300
    },
    connectionMonitor: { pingTimeout: { minTimeout: PING_TIMEOUT_MIN_MS } },
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({
        protocol: DHT_PROTOCOL,
        clientMode: !server,
        peerInfoMapper: passthroughMapper,
        // Every query waits for the first self-query, which kad-dht delays by 1 s after start by default. A light
        // client's first proxy lookup would sit idle for that second, so clients run it at once. Proxies and
        // workers keep the delay: the self-query dials the ~20 closest peers, and at once that burst of handshakes
        // (on both ends) fell on the same moments as a new worker's first capacity gossip. In the 50-node swarm
        // bench, join-to-proxy-table went from 1.6 s p50 / 4.8 s max to 0.64 s / 1.56 s; a provide waits 1 s more.
        initialQuerySelfInterval: server ? SERVER_FIRST_SELF_QUERY_MS : 0
      }),
      pubsub: gossipsub({
        // Said here, not left to the default: the capacity validator trusts msg.from as the announcement's author,
        // which holds only if gossipsub checked the envelope signature first (and dropped a bad one, with a score
        // penalty, before our validator saw it).
        globalSignaturePolicy: StrictSign,
        ...GOSSIP_MESH,
        allowPublishToZeroTopicPeers: true,
        // Capacity must reach proxies that are not yet in our mesh.
        floodPublish: true,
        // Duplicates are dropped on (sender, seqno) before their signature is checked again: without this every
        // copy of every announcement was verified, ~30% of a swarm's CPU. Only a copy whose signature passed is
        // remembered, so a forged copy cannot shadow the real one.
        fastMsgIdFn: (m) => `${toString(m.from ?? EMPTY, 'base64')}:${toString(m.seqno ?? EMPTY, 'base64')}`,
        scoreParams: {
          IPColocationFactorWeight: 0,
          topics: { [CAPACITY_TOPIC]: capacityTopicScoreParams() }
        }
      })
    }
  })
}
