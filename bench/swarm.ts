/**
 * Issue 2: capacity gossip in a 50-node swarm.
 *
 * 50 real libp2p nodes (node/libp2p.ts buildLibp2p: TCP, noise, yamux, kad-dht, gossipsub) with the real
 * CapacityService (bench/lib-swarm-node.ts); 3 are proxies, the rest workers announcing a synthetic but
 * well-formed snapshot. No chain, no models, no attestation admission: pure gossip. Each node bootstraps to one
 * random node already running, as a real node would, and finds the rest through the DHT and gossip.
 *
 * The nodes are spread over HOSTS child processes (bench/lib-swarm-host.ts), node i on host i mod HOSTS, so the
 * proxies land on different hosts; this process only coordinates. In one process the 50 nodes' gossip
 * validation, noise and yamux share one event loop, which lagged by seconds on this 2-core machine (tables stuck
 * at 42-45 of 47 workers); spread over processes they use every core, as 50 separate machines would.
 *
 * Figures:
 * - joinToFirstProxy{P50,Max}Ms: from the moment a new worker begins to start (libp2p created, started,
 *   announcing) until its announcement entered the first proxy's CapacityTable; over JOINS joins, one at a time.
 * - joinToAllProxies{P50,Max}Ms: the same until every proxy has it.
 * - joinNodeStartP50Ms, joinToFirst{Connection,Identify,Subscriber,Neighbour}P50Ms: where a join's time goes:
 *   until the node is started and announcing, has its first connection, its first identify, first sees a peer
 *   subscribed to the capacity topic, and until one of its announcements first reached a peer (the rest is
 *   propagation).
 * - gossipBytesPerNodePerMinute: gossipsub bytes sent per node per minute in steady state, counted on the
 *   gossip streams themselves (see lib-gossip-meter.ts), over a WINDOW_MS window after the joins.
 * - proxyTableSizesAtSettle: how many workers each proxy's table held when the swarm settled (or gave up).
 *   workersNoProxyListedAtSettle: when it gave up, the workers no proxy lists, with their connections (each
 *   identified or not), gossip peers and last publish.
 * - hostCpuPercent{BeforeJoins,DuringJoins,Steady}: the busiest host process's share of one core in each phase;
 *   near 100 every step of a join queues behind gossip.
 */
import { availableParallelism } from 'node:os'
import { ANNOUNCE_INTERVAL_MS, ENTRY_TTL_MS, encodeAnnouncement } from '../protocols/capacity/index.js'
import { SwarmHost, type HostStats } from './lib-swarm-hosts.js'
import { syntheticSnapshot, type JoinTimeline, type SwarmRole } from './lib-swarm-node.js'
import { percentile, round, sleep } from './lib-stats.js'

/** Nodes in the swarm (COCOON_SWARM_NODES to change). */
const SWARM_NODES = Number(process.env.COCOON_SWARM_NODES ?? 50)
/** Child processes the nodes are spread over (COCOON_SWARM_HOSTS): one per core, at least 2, at most 4. */
const HOSTS = Number(process.env.COCOON_SWARM_HOSTS ?? Math.min(4, Math.max(2, availableParallelism())))
/** Positions of the proxies in the start order: the first node, and two started later among the workers. */
const PROXY_POSITIONS = new Set([0, Math.round(SWARM_NODES / 3), Math.round(SWARM_NODES * 2 / 3)])
const JOINS = 8
/** Time each join may take before it counts as failed. */
const JOIN_TIMEOUT_MS = 15_000
/** Time the swarm may take to settle (every proxy lists every worker); past it the bench goes on and says so. */
const SETTLE_TIMEOUT_MS = 120_000
const WINDOW_MS = 30_000
/**
 * Pause between node starts. 50 nodes started back to back spend seconds in noise handshakes and DHT
 * self-queries at once; on 2 cores the event loops then lag by seconds, pings and handshakes time out and
 * connections drop, which measures the machine, not the protocol.
 */
const START_STAGGER_MS = 300
/** Joins begin once every host's event-loop delay p99 over a second is below this (or QUIET_TIMEOUT_MS passed). */
const QUIET_P99_MS = 100
const QUIET_TIMEOUT_MS = 30_000
/** How often the coordinator asks the hosts whether a joiner has arrived (arrival times are taken on the hosts). */
const JOIN_POLL_MS = 25

interface NodeRef {
  id: string
  role: SwarmRole
  address: string
  host: SwarmHost
}

function pick<T> (items: T[]): T {
  return items[Math.floor(Math.random() * items.length)]
}

async function allStats (hosts: SwarmHost[]): Promise<HostStats[]> {
  return await Promise.all(hosts.map(async h => h.stats()))
}

function rejectSummary (stats: HostStats[]): { count: number, text: string } {
  const merged = new Map<string, number>()
  for (const s of stats) for (const [r, n] of Object.entries(s.rejects)) merged.set(r, (merged.get(r) ?? 0) + n)
  const top = [...merged].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([r, n]) => `${n} x ${r}`)
  return { count: [...merged.values()].reduce((a, b) => a + b, 0), text: top.join('; ') }
}

/** Waits until every proxy lists every worker; returns whether it happened and the table sizes it ended with. */
async function settle (hosts: SwarmHost[], workers: number): Promise<{ settled: boolean, sizes: number[] }> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS
  while (true) {
    const sizes = (await allStats(hosts)).flatMap(s => s.tableSizes)
    if (sizes.every(n => n >= workers)) return { settled: true, sizes }
    if (Date.now() > deadline) return { settled: false, sizes }
    await sleep(500)
  }
}

/** For a swarm that did not settle: the workers no proxy lists, each with its connections and last publish. */
async function describeMissing (hosts: SwarmHost[], workers: string[]): Promise<string> {
  const listed = new Set((await Promise.all(hosts.map(async h => h.listed()))).flat())
  const missing = workers.filter(w => !listed.has(w))
  const described = (await Promise.all(hosts.map(async h => h.diagnose(missing)))).flat()
  return described.map(d => Object.entries(d).map(([k, v]) => `${k} ${String(v)}`).join(' ')).join('; ')
}

/** Waits until the hosts are quiet enough that join times measure gossip, not saturated event loops. */
async function waitForQuiet (hosts: SwarmHost[]): Promise<{ p99: number, cpu: number }> {
  const deadline = Date.now() + QUIET_TIMEOUT_MS
  while (true) {
    await Promise.all(hosts.map(async h => h.reset()))
    await sleep(1000)
    const stats = await allStats(hosts)
    const p99 = Math.max(...stats.map(s => s.eventLoopDelayP99Ms))
    if (p99 < QUIET_P99_MS || Date.now() > deadline) return { p99, cpu: Math.max(...stats.map(s => s.cpuPercent)) }
  }
}

/**
 * Times (epoch ms) at which each proxy first listed `worker`, polled until all proxies have it or time runs out,
 * and when the worker's announcement first reached a peer.
 */
async function arrivals (hosts: SwarmHost[], worker: string, proxies: number): Promise<{ times: number[], firstHeardAt?: number, timeline?: JoinTimeline }> {
  const deadline = Date.now() + JOIN_TIMEOUT_MS
  while (true) {
    const answers = await Promise.all(hosts.map(async h => h.seen(worker)))
    const times = answers.flatMap(a => a.times)
    const own = answers.find(a => a.timeline != null)
    if (times.length >= proxies || Date.now() > deadline) return { times, firstHeardAt: own?.firstHeardAt, timeline: own?.timeline }
    await sleep(JOIN_POLL_MS)
  }
}

export async function run (): Promise<Record<string, number | string>> {
  const hosts = Array.from({ length: HOSTS }, (_, i) => new SwarmHost(i))
  const nodes: NodeRef[] = []
  const proxyCount = PROXY_POSITIONS.size
  const workerCount = (): number => nodes.filter(n => n.role === 'worker').length
  try {
    const startT = performance.now()
    for (let i = 0; i < SWARM_NODES; i++) {
      const role: SwarmRole = PROXY_POSITIONS.has(i) ? 'proxy' : 'worker'
      const host = hosts[i % HOSTS]
      const bootstrap = nodes.length === 0 ? [] : [pick(nodes).address]
      const started = await host.start(role, bootstrap)
      nodes.push({ id: started.id, role, address: started.address, host })
      await sleep(START_STAGGER_MS)
    }
    const startMs = performance.now() - startT

    const settleT = performance.now()
    const { settled, sizes: sizesAtSettle } = await settle(hosts, workerCount())
    const settleMs = performance.now() - settleT
    const unsettledWorkers = settled ? '' : await describeMissing(hosts, nodes.filter(n => n.role === 'worker').map(n => n.id))

    const quiet = await waitForQuiet(hosts)
    await Promise.all(hosts.map(async h => h.reset()))
    const toFirst: number[] = []
    const toAll: number[] = []
    const nodeStart: number[] = []
    const toFirstHeard: number[] = []
    const milestones: Record<keyof JoinTimeline, number[]> = { firstConnectionAt: [], firstIdentifyAt: [], firstSubscriberAt: [] }
    const failures: string[] = []
    for (let j = 0; j < JOINS; j++) {
      const host = hosts[(SWARM_NODES + j) % HOSTS]
      const joiner = await host.start('worker', [pick(nodes.filter(n => n.role === 'worker')).address])
      const { times, firstHeardAt, timeline } = await arrivals(hosts, joiner.id, proxyCount)
      nodeStart.push(joiner.readyAt - joiner.startedAt)
      for (const key of Object.keys(milestones) as Array<keyof JoinTimeline>) {
        const at = timeline?.[key]
        if (at != null) milestones[key].push(at - joiner.startedAt)
      }
      if (firstHeardAt != null) toFirstHeard.push(firstHeardAt - joiner.startedAt)
      if (times.length >= proxyCount) {
        nodes.push({ id: joiner.id, role: 'worker', address: joiner.address, host })
        toFirst.push(Math.min(...times) - joiner.startedAt)
        toAll.push(Math.max(...times) - joiner.startedAt)
      } else {
        // Reported, not fatal: one failed join says something about the network, the others still measure.
        const heard = firstHeardAt == null ? 'its announcements never reached a peer' : `its announcement first reached a peer after ${Math.round(firstHeardAt - joiner.startedAt)} ms`
        failures.push(`join ${j + 1}: in ${times.length}/${proxyCount} proxy tables after ${JOIN_TIMEOUT_MS} ms, ${heard}`)
        await host.stopNode(joiner.id)
      }
      // Let the swarm absorb one join before the next, as joins are independent events in a real network.
      await sleep(500)
    }
    const duringJoins = await allStats(hosts)
    const joinDelayP99 = Math.max(...duringJoins.map(s => s.eventLoopDelayP99Ms))
    if (toFirst.length === 0) {
      throw new Error(`no join succeeded: ${failures.join('; ')}; ${settled ? 'the swarm had settled' : `the swarm never settled (proxy tables ${sizesAtSettle.join(', ')} of ${workerCount()})`}`)
    }

    await Promise.all(hosts.map(async h => h.reset()))
    const windowT = performance.now()
    await sleep(WINDOW_MS)
    const end = await allStats(hosts)
    const windowMin = (performance.now() - windowT) / 60_000
    const total = end.reduce((s, h) => s + h.nodes, 0)
    const bytes = end.reduce((s, h) => s + h.bytesSent, 0)
    const frames = end.reduce((s, h) => s + h.framesSent, 0)
    const published = end.reduce((s, h) => s + h.announcementsPublished, 0)
    const heard = end.reduce((s, h) => s + h.announcementsHeard, 0)
    const connections = end.flatMap(h => h.connections)
    const sizesAtEnd = end.flatMap(h => h.tableSizes)
    const rejected = rejectSummary(end)
    const repairs = (k: keyof HostStats['keeperRepairs']): number => end.reduce((s, h) => s + h.keeperRepairs[k], 0)
    const announcementBytes = encodeAnnouncement({ ...syntheticSnapshot(), peerId: new Uint8Array(38), seq: BigInt(Date.now()) * 1000n, ts: BigInt(Date.now()) }).byteLength

    return {
      nodes: total,
      hosts: HOSTS,
      proxies: proxyCount,
      workersAtEnd: total - proxyCount,
      joins: JOINS,
      joinFailures: failures.length,
      joinFailureReasons: failures.join('; '),
      startAllMs: Math.round(startMs),
      settled: settled ? 'yes' : `no, gave up after ${SETTLE_TIMEOUT_MS} ms`,
      settleMs: Math.round(settleMs),
      proxyTableSizesAtSettle: sizesAtSettle.join(', '),
      workersNoProxyListedAtSettle: unsettledWorkers,
      proxyTableSizeMinAtSettle: Math.min(...sizesAtSettle),
      proxyTableSizesAtEnd: sizesAtEnd.join(', '),
      joinToFirstProxyP50Ms: round(percentile(toFirst, 50), 1),
      joinToFirstProxyMaxMs: round(Math.max(...toFirst), 1),
      joinToAllProxiesP50Ms: round(percentile(toAll, 50), 1),
      joinToAllProxiesMaxMs: round(Math.max(...toAll), 1),
      joinNodeStartP50Ms: round(percentile(nodeStart, 50), 1),
      joinToFirstConnectionP50Ms: round(percentile(milestones.firstConnectionAt, 50), 1),
      joinToFirstIdentifyP50Ms: round(percentile(milestones.firstIdentifyAt, 50), 1),
      joinToFirstSubscriberP50Ms: round(percentile(milestones.firstSubscriberAt, 50), 1),
      joinToFirstNeighbourP50Ms: round(percentile(toFirstHeard, 50), 1),
      connectionsPerNodeP50: percentile(connections, 50),
      eventLoopDelayP99BeforeJoinsMs: round(quiet.p99, 1),
      eventLoopDelayP99DuringJoinsMs: round(joinDelayP99, 1),
      hostCpuPercentBeforeJoins: round(quiet.cpu, 1),
      hostCpuPercentDuringJoins: round(Math.max(...duringJoins.map(s => s.cpuPercent)), 1),
      hostCpuPercentSteady: round(Math.max(...end.map(s => s.cpuPercent)), 1),
      announceIntervalMs: ANNOUNCE_INTERVAL_MS,
      entryTtlMs: ENTRY_TTL_MS,
      announcementBytes,
      gossipWindowS: round(windowMin * 60, 1),
      gossipBytesPerNodePerMinute: Math.round(bytes / total / windowMin),
      gossipFramesPerNodePerMinute: Math.round(frames / total / windowMin),
      announcementsPublishedPerWorkerPerMinute: round(published / (total - proxyCount) / windowMin, 1),
      announcementsAcceptedPerProxyPerMinute: round(heard / proxyCount / windowMin, 1),
      rejectedAnnouncements: rejected.count,
      rejectedAnnouncementReasons: rejected.text,
      // BootstrapKeeper repairs over the whole run (node/bootstrap-keeper.ts): each one a node that would have been
      // partly or wholly unheard for good
      keeperReidentified: repairs('reidentified'),
      keeperClosedUnidentified: repairs('closedUnidentified'),
      keeperClosedBrokenGossip: repairs('closedBrokenGossip')
    }
  } finally {
    await Promise.all(hosts.map(async h => h.close()))
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run())
  process.exit(0)
}
