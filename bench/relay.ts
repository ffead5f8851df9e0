/**
 * Issue 4: what one proxy costs when it relays sealed streams.
 *
 * A real proxy (bench/lib-relay-proxy.ts: buildLibp2p + ProxyService) in its own process; synthetic workers
 * (lib-synthetic-worker.ts) and load-generating clients (lib-relay-client.ts) in this process, all talking the
 * real job protocols over TCP on loopback.
 *
 * Figures:
 * - tokens/s the proxy sustains relaying one fast stream, and STREAMS fast streams at once; with the proxy's
 *   own CPU time, tokensPerProxyCpuSecond is the rate one core would sustain (this machine's 2 cores are
 *   shared by the proxy, the workers and clients that feed it, and whatever else runs).
 * - proxy RSS right after start, idle after the throughput runs (V8 keeps the heap it grew), and with
 *   HELD_STREAMS jobs open at once (every worker trickling a chunk per second); the difference per stream.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { buildLibp2p, type CocoonLibp2p } from '../node/libp2p.js'
import { createTestAuthority, DevTeeProvider, encodeCollateral, issueCertificate } from '../protocols/attestation/index.js'
import { BenchChild, cpuSecondsOf } from './lib-child.js'
import type { RelayProxyConfig } from './lib-relay-proxy.js'
import { runRelayJob, type RelayJobResult } from './lib-relay-client.js'
import { round, rssMiBOf, sleep, waitUntil } from './lib-stats.js'
import { SyntheticWorker } from './lib-synthetic-worker.js'
import { nodeRuntimeFlags } from '../node/runtime-flags.js'

/** 1,000 held streams over 20 workers of 60 slots: a plausible proxy's share of a network, not one giant worker. */
const SLOTS_PER_WORKER = 60
const WORKERS = 20
const CLIENTS = 10
const SINGLE_STREAM_TOKENS = 30_000
const STREAMS = 16
const TOKENS_PER_STREAM = 5_000
const HELD_STREAMS = 1_000
const PACE_MS = 1_000

interface Setup {
  proxy: BenchChild
  proxyId: ReturnType<typeof peerIdFromString>
  workers: SyntheticWorker[]
  clients: CocoonLibp2p[]
  dir: string
}

async function setUp (): Promise<Setup> {
  const dir = await mkdtemp(join(tmpdir(), 'cocoon-bench-relay-'))
  const workers: SyntheticWorker[] = []
  const clients: CocoonLibp2p[] = []
  try {
    for (let i = 0; i < WORKERS; i++) workers.push(await SyntheticWorker.start())
    const authority = await createTestAuthority()
    const issued = await issueCertificate({
      privateKey: await generateKeyPair('Ed25519'),
      sealPublicKey: new Uint8Array(32).fill(9),
      payoutAddress: 'EQD__________________________________________0vo',
      gpu: 'synthetic',
      modelHashes: [new Uint8Array(32).fill(7)],
      tee: new DevTeeProvider(authority)
    })
    const config: RelayProxyConfig = {
      workers: workers.map(w => ({ peerId: w.libp2p.peerId.toString(), address: w.address })),
      slotsPerWorker: SLOTS_PER_WORKER,
      certificate: Buffer.from(issued.bytes).toString('base64'),
      collateral: Buffer.from(encodeCollateral(issued.collateral)).toString('base64')
    }
    const configPath = join(dir, 'relay-proxy.json')
    await writeFile(configPath, JSON.stringify(config))
    // the proxy runs with the V8 flags `cocoon start` gives every node
    const proxy = new BenchChild('lib-relay-proxy', [configPath], nodeRuntimeFlags())
    const ready = await proxy.next('ready', 60_000)
    const address = multiaddr(String(ready.address))
    const proxyId = peerIdFromString(address.getComponents().findLast(c => c.name === 'p2p')?.value ?? '')
    for (let i = 0; i < CLIENTS; i++) {
      const client = await buildLibp2p({ role: 'client', privateKey: await generateKeyPair('Ed25519'), listen: [], bootstrap: [] })
      await client.start()
      await client.peerStore.merge(proxyId, { multiaddrs: [address] })
      clients.push(client)
    }
    return { proxy, proxyId, workers, clients, dir }
  } catch (err) {
    await Promise.all([...workers.map(async w => w.stop()), ...clients.map(async c => c.stop())])
    await rm(dir, { recursive: true, force: true })
    throw err
  }
}

async function tearDown (s: Setup): Promise<void> {
  await s.proxy.stop()
  await Promise.all([...s.workers.map(async w => w.stop().catch(() => {})), ...s.clients.map(async c => { await Promise.resolve(c.stop()).catch(() => {}) })])
  await rm(s.dir, { recursive: true, force: true })
}

/** Runs `jobs` jobs at once spread over the clients; returns tokens relayed, wall time and proxy CPU time. */
async function relayed (s: Setup, jobs: number, maxTokens: number): Promise<{ tokens: number, failovers: number, wallS: number, proxyCpuS: number }> {
  const cpu0 = await cpuSecondsOf(s.proxy.pid)
  const t0 = performance.now()
  const results = await allJobs(Array.from({ length: jobs }, async (_, i) => runRelayJob(s.clients[i % s.clients.length], s.proxyId, { maxTokens })))
  const wallS = (performance.now() - t0) / 1000
  const proxyCpuS = await cpuSecondsOf(s.proxy.pid) - cpu0
  return { tokens: results.reduce((n, r) => n + r.tokens, 0), failovers: results.reduce((n, r) => n + r.failovers, 0), wallS, proxyCpuS }
}

/** Like Promise.all, but waits for every job before reporting the first failure (no stray rejections). */
async function allJobs (jobs: Array<Promise<RelayJobResult>>): Promise<RelayJobResult[]> {
  const settled = await Promise.allSettled(jobs)
  const failed = settled.filter(r => r.status === 'rejected')
  if (failed.length > 0) throw new Error(`${failed.length} of ${jobs.length} jobs failed, first: ${(failed[0].reason as Error).message}`)
  return settled.map(r => (r as PromiseFulfilledResult<RelayJobResult>).value)
}

export async function run (): Promise<Record<string, number | string>> {
  const s = await setUp()
  try {
    const rssStart = await rssMiBOf(s.proxy.pid)
    // Warm-up: connections to every worker, JIT, buffers.
    const warm = await relayed(s, WORKERS * 2, 200)

    const single = await relayed(s, 1, SINGLE_STREAM_TOKENS)
    const many = await relayed(s, STREAMS, TOKENS_PER_STREAM)
    await sleep(1000)
    const rssIdle = await rssMiBOf(s.proxy.pid)

    for (const w of s.workers) w.hold(PACE_MS)
    let open = 0
    const heldT = performance.now()
    const held = Array.from({ length: HELD_STREAMS }, async (_, i) =>
      runRelayJob(s.clients[i % s.clients.length], s.proxyId, { maxTokens: 1_000_000, onFirstChunk: () => { open++ } }))
    const allOpen = await waitUntil(() => open === HELD_STREAMS, 120_000, 50)
    const openAllMs = performance.now() - heldT
    if (!allOpen) throw new Error(`only ${open} of ${HELD_STREAMS} streams opened within 120 s`)
    // Let the trickle run a few rounds so the measurement sees steady state, not the opening burst.
    let rssHeld = 0
    for (let i = 0; i < 5; i++) {
      await sleep(PACE_MS)
      rssHeld = Math.max(rssHeld, await rssMiBOf(s.proxy.pid))
    }
    const counters = await s.proxy.ask('counters')
    for (const w of s.workers) w.release()
    const heldResults = await allJobs(held)
    const heldTokens = heldResults.reduce((n, r) => n + r.tokens, 0)

    return {
      workers: WORKERS,
      clients: CLIENTS,
      singleStreamTokensPerSecond: Math.round(single.tokens / single.wallS),
      [`concurrent${STREAMS}TokensPerSecond`]: Math.round(many.tokens / many.wallS),
      [`concurrent${STREAMS}ProxyCpuShare`]: round(many.proxyCpuS / many.wallS, 2),
      tokensPerProxyCpuSecond: Math.round(many.tokens / Math.max(many.proxyCpuS, 0.01)),
      proxyRssAfterStartMiB: round(rssStart, 1),
      proxyRssIdleMiB: round(rssIdle, 1),
      heldStreams: HELD_STREAMS,
      openHeldStreamsMs: Math.round(openAllMs),
      [`proxyRss${HELD_STREAMS}StreamsMiB`]: round(rssHeld, 1),
      proxyRssPerStreamKiB: round((rssHeld - rssIdle) * 1024 / HELD_STREAMS, 1),
      heldStreamsTokensRelayed: heldTokens,
      warmupFailovers: warm.failovers,
      measuredFailovers: single.failovers + many.failovers + heldResults.reduce((n, r) => n + r.failovers, 0),
      proxyJobsCompleted: Number(counters.completed),
      proxyJobsFailed: Number(counters.failed)
    }
  } catch (err) {
    // The proxy's own warnings (failovers, unreachable workers) usually say why a job failed.
    const tail = s.proxy.stderrTail()
    throw tail === '' ? err : new Error(`${(err as Error).message}; proxy log: ${tail}`, { cause: err })
  } finally {
    await tearDown(s)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run())
  process.exit(0)
}
