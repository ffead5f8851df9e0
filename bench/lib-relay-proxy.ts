/**
 * The proxy under test in bench/relay.ts, run as its own process so that its RSS and CPU time are its own.
 *
 * A real proxy node: buildLibp2p (role proxy: DHT server, gossipsub) and the real ProxyService. Two things are
 * set up directly instead of through the network, which is what a relay benchmark wants:
 * - the capacity table gets one entry per synthetic worker (upserted here, with no expiry) instead of gossip;
 * - `certificateFor` returns a real dev-TEE certificate and collateral without a chain lookup (the proxy's
 *   verification is cached per certificate in production, so per-job cost is the same).
 * Client admission limits are raised because the load comes from a handful of client peers.
 *
 * One deviation from node/roles/proxy.ts: the proxy's dials to workers raise libp2p's per-connection limit
 * of outbound streams per protocol (64 by default). ProxyService does not, and its selection counts a job
 * against a worker only once the job is relayed, so a burst of routes can send more than 64 jobs to one
 * worker and the 65th fails over with "Too many outbound protocol streams". Until ProxyService passes the
 * option itself, the bench does, so that it measures relaying and not that limit.
 *
 * Usage: node lib-relay-proxy.js CONFIG.json. Prints {"event":"ready","address":...}; answers the stdin
 * line `counters` with {"event":"counters",...}; exits when stdin closes.
 */
import { readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { pino } from 'pino'
import { buildLibp2p } from '../node/libp2p.js'
import { CapacityTable } from '../protocols/capacity/index.js'
import { wireBytes } from '../protocols/common/bytes.js'
import { ClientLimits, ProxyService } from '../protocols/job/index.js'

/** Outbound /cocoon/work streams the proxy may open on one worker connection (the worker accepts 1,024). */
const WORKER_STREAMS_PER_CONNECTION = 1024

export interface RelayProxyConfig {
  workers: Array<{ peerId: string, address: string }>
  slotsPerWorker: number
  /** base64 */
  certificate: string
  /** base64 */
  collateral: string
}

async function main (): Promise<void> {
  const config = JSON.parse(await readFile(process.argv[2], 'utf8')) as RelayProxyConfig
  const libp2p = await buildLibp2p({
    role: 'proxy',
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [],
    inboundConnectionThreshold: 10_000
  })
  await libp2p.start()

  const table = new CapacityTable({ ttlMs: Number.POSITIVE_INFINITY })
  for (const w of config.workers) {
    const id = peerIdFromString(w.peerId)
    await libp2p.peerStore.merge(id, { multiaddrs: [multiaddr(w.address)] })
    table.upsert(w.peerId, {
      peerId: id.toMultihash().bytes,
      models: [{ id: 'cocoon-tiny', sha256: wireBytes(new Uint8Array(32).fill(7)), contextLength: 4096, priceNanoPerToken: 1000n }],
      slots: config.slotsPerWorker,
      freeSlots: config.slotsPerWorker,
      queue: 0,
      tokensPerSecond: 1000,
      firstTokenMs: 5,
      gpu: 'synthetic',
      gpuMemoryBytes: 0n,
      certHash: wireBytes(new Uint8Array(32)),
      seq: 1n,
      ts: BigInt(Date.now())
    })
  }
  // A real proxy is connected to its workers through the gossip mesh before jobs arrive.
  await Promise.all(config.workers.map(async w => libp2p.dial(peerIdFromString(w.peerId))))
  const bundle = { certificate: Buffer.from(config.certificate, 'base64'), collateral: Buffer.from(config.collateral, 'base64') }
  const service = new ProxyService({
    handle: libp2p.handle.bind(libp2p),
    unhandle: libp2p.unhandle.bind(libp2p),
    dialProtocol: async (peer, protocol, options) => libp2p.dialProtocol(peer, protocol, { ...options, maxOutboundStreams: WORKER_STREAMS_PER_CONNECTION })
  }, {
    table,
    certificateFor: async () => bundle,
    limits: new ClientLimits({ maxConcurrent: 1_000_000, ratePerSecond: 1_000_000, burst: 1_000_000 }),
    // Warnings (failovers, unreachable workers) go to stderr; set COCOON_BENCH_CHILD_LOGS=1 to see them.
    logger: pino({ level: 'warn' }, pino.destination(2))
  })
  await service.start()

  const reply = (event: string, data: Record<string, unknown>): void => { process.stdout.write(`${JSON.stringify({ event, ...data })}\n`) }
  createInterface({ input: process.stdin })
    .on('line', line => {
      if (line.trim() === 'counters') reply('counters', { ...service.counters, connections: libp2p.getConnections().length })
    })
    .on('close', () => {
      void service.stop().then(async () => libp2p.stop()).finally(() => process.exit(0))
    })
  reply('ready', { address: libp2p.getMultiaddrs()[0].toString(), pid: process.pid })
}

main().catch(err => {
  process.stderr.write(`relay proxy failed: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
