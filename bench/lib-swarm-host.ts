/**
 * A share of bench/swarm.ts's nodes, run in its own process so that the swarm's work (noise, yamux, gossipsub
 * validation of every announcement on every node) spreads over the machine's cores instead of one event loop.
 *
 * Protocol: one JSON request per stdin line, `{"id": N, "cmd": ..., ...}`; one reply per request on stdout,
 * `{"event": "reply-N", ...}` or `{"event": "reply-N", "error": "..."}`. Commands:
 * - `start {role, bootstrap}`: starts a node; replies `{id: peerId, address, startedAt, readyAt}`.
 * - `seen {worker}`: when each proxy here first had that worker in its table (`times`, epoch ms; one per proxy
 *   that has it), how many proxies live here (`proxies`), and if the worker lives here, when its announcement
 *   first reached a peer (`firstHeardAt`).
 * - `stats`: per-node `connections`, proxies' `tableSizes`, gossip bytes and frames sent since the last `reset`,
 *   capacity announcements published (workers) and accepted (proxies), the event loop's delay p99 and the share
 *   of one core this process used (`cpuPercent`) since the last `reset`, and rejected announcements by reason.
 * - `listed`: the workers in at least one of this host's proxy tables (`workers`, peer ids).
 * - `diagnose {workers}`: for those of the given workers that live here, their connections, capacity-topic peers,
 *   mesh peers, announcements published and the recipients of the last one (why proxies may not list them).
 * - `reset`: restarts the gossip meters and the event-loop histogram.
 * - `stop {node}`: stops one node (a join that failed).
 * Stops every node and exits when stdin closes.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { describeWorker, startSwarmNode, stopSwarmNode, type SwarmNode, type SwarmRole } from './lib-swarm-node.js'

/** How long stopping all nodes may take before the process exits anyway. */
const STOP_ALL_TIMEOUT_MS = 10_000

interface Request {
  id: number
  cmd: string
  role?: SwarmRole
  bootstrap?: string[]
  worker?: string
  node?: string
  workers?: string[]
}

const nodes = new Map<string, SwarmNode>()
const rejects = new Map<string, number>()
const delay = monitorEventLoopDelay({ resolution: 10 })
delay.enable()
/** CPU time and wall clock at the last `reset`, for the share of one core this process used since. */
let cpuSince = { usage: process.cpuUsage(), at: performance.now() }

function reply (id: number, body: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ event: `reply-${id}`, ...body }) + '\n')
}

function onReject (reason: string): void {
  // Numbers stripped so that reasons group ("stale (1234 ms old)" -> "stale (N ms old)").
  const key = reason.replace(/\d+/g, 'N')
  rejects.set(key, (rejects.get(key) ?? 0) + 1)
}

function cpuPercentSinceReset (): number {
  const used = process.cpuUsage(cpuSince.usage)
  const wallUs = (performance.now() - cpuSince.at) * 1000
  return wallUs > 0 ? (used.user + used.system) / wallUs * 100 : 0
}

async function handle (req: Request): Promise<Record<string, unknown>> {
  switch (req.cmd) {
    case 'start': {
      const node = await startSwarmNode({ role: req.role ?? 'worker', bootstrap: req.bootstrap ?? [], onReject })
      nodes.set(node.id, node)
      return { id: node.id, address: node.libp2p.getMultiaddrs()[0].toString(), startedAt: node.startedAt, readyAt: node.readyAt }
    }
    case 'seen': {
      const proxies = [...nodes.values()].filter(n => n.role === 'proxy')
      const times = proxies.map(p => p.seen.get(req.worker ?? '')).filter((t): t is number => t != null)
      const joiner = nodes.get(req.worker ?? '')
      return { times, proxies: proxies.length, firstHeardAt: joiner?.firstHeardAt, timeline: joiner?.timeline }
    }
    case 'stats': {
      const all = [...nodes.values()]
      return {
        nodes: all.length,
        connections: all.map(n => n.libp2p.getConnections().length),
        tableSizes: all.filter(n => n.role === 'proxy').map(n => n.capacity.table.size),
        bytesSent: all.reduce((s, n) => s + n.meter.bytesSent, 0),
        framesSent: all.reduce((s, n) => s + n.meter.framesSent, 0),
        announcementsPublished: all.reduce((s, n) => s + n.counts.published, 0),
        announcementsHeard: all.reduce((s, n) => s + n.counts.heard, 0),
        eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
        cpuPercent: cpuPercentSinceReset(),
        rejects: Object.fromEntries(rejects),
        keeperRepairs: {
          reidentified: all.reduce((s, n) => s + n.keeper.repairs.reidentified, 0),
          closedUnidentified: all.reduce((s, n) => s + n.keeper.repairs.closedUnidentified, 0),
          closedBrokenGossip: all.reduce((s, n) => s + n.keeper.repairs.closedBrokenGossip, 0)
        }
      }
    }
    case 'listed': {
      const proxies = [...nodes.values()].filter(n => n.role === 'proxy')
      return { workers: [...new Set(proxies.flatMap(p => p.capacity.table.list().map(e => e.peerId)))] }
    }
    case 'diagnose':
      return { workers: await Promise.all((req.workers ?? []).map(id => nodes.get(id)).filter((n): n is SwarmNode => n != null).map(describeWorker)) }
    case 'reset':
      for (const n of nodes.values()) {
        n.meter.reset()
        n.counts.published = 0
        n.counts.heard = 0
      }
      delay.reset()
      cpuSince = { usage: process.cpuUsage(), at: performance.now() }
      return {}
    case 'stop': {
      const node = nodes.get(req.node ?? '')
      if (node != null) {
        nodes.delete(node.id)
        await stopSwarmNode(node)
      }
      return {}
    }
    default:
      throw new Error(`unknown command ${req.cmd}`)
  }
}

async function stopAll (): Promise<void> {
  const all = Promise.all([...nodes.values()].map(async n => stopSwarmNode(n).catch(() => {})))
  await Promise.race([all, new Promise(resolve => setTimeout(resolve, STOP_ALL_TIMEOUT_MS).unref())])
}

createInterface({ input: process.stdin })
  .on('line', line => {
    let req: Request
    try {
      req = JSON.parse(line) as Request
    } catch {
      process.stderr.write(`bad request line: ${line}\n`)
      return
    }
    handle(req).then(body => reply(req.id, body), (err: Error) => reply(req.id, { error: err.message }))
  })
  .on('close', () => {
    void stopAll().finally(() => process.exit(0))
  })
