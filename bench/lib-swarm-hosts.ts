/**
 * The coordinator's side of bench/lib-swarm-host.ts: one child process holding a share of the swarm's nodes,
 * driven by JSON requests. Every request has a deadline, so a child that hangs fails the bench with its name,
 * the request and its last stderr lines instead of stalling it.
 */
import { BenchChild } from './lib-child.js'
import type { JoinTimeline, SwarmRole } from './lib-swarm-node.js'

export interface StartedNode {
  id: string
  address: string
  /** Epoch ms when the node began to start. */
  startedAt: number
  /** Epoch ms when it was started and announcing. */
  readyAt: number
}

export interface HostStats {
  nodes: number
  connections: number[]
  tableSizes: number[]
  bytesSent: number
  framesSent: number
  announcementsPublished: number
  announcementsHeard: number
  eventLoopDelayP99Ms: number
  /** Share of one core the host process used since the last reset, in percent. */
  cpuPercent: number
  rejects: Record<string, number>
  /** BootstrapKeeper repairs since the nodes started, summed over the host's nodes. */
  keeperRepairs: { reidentified: number, closedUnidentified: number, closedBrokenGossip: number }
}

/** How long one request may take by default; starting a node on a busy machine is the slowest. */
const REQUEST_TIMEOUT_MS = 30_000

export class SwarmHost {
  readonly index: number
  private readonly child: BenchChild
  private nextId = 0

  constructor (index: number) {
    this.index = index
    this.child = new BenchChild('lib-swarm-host', [])
  }

  async request (cmd: string, args: Record<string, unknown> = {}, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Record<string, unknown>> {
    const id = ++this.nextId
    this.child.child.stdin!.write(JSON.stringify({ id, cmd, ...args }) + '\n')
    let answer: Record<string, unknown>
    try {
      answer = await this.child.next(`reply-${id}`, timeoutMs)
    } catch (err) {
      throw new Error(`swarm host ${this.index}: ${cmd}: ${(err as Error).message} (stderr: ${this.child.stderrTail()})`)
    }
    if (typeof answer.error === 'string') throw new Error(`swarm host ${this.index}: ${cmd} failed: ${answer.error}`)
    return answer
  }

  async start (role: SwarmRole, bootstrap: string[]): Promise<StartedNode> {
    return await this.request('start', { role, bootstrap }) as unknown as StartedNode
  }

  /** When each proxy on this host first had `worker` in its table, and when its announcement first reached a peer if it lives here (epoch ms). */
  async seen (worker: string): Promise<{ times: number[], firstHeardAt?: number, timeline?: JoinTimeline }> {
    const answer = await this.request('seen', { worker })
    return { times: answer.times as number[], firstHeardAt: answer.firstHeardAt as number | undefined, timeline: answer.timeline as JoinTimeline | undefined }
  }

  /** Workers listed in at least one proxy table on this host. */
  async listed (): Promise<string[]> {
    return (await this.request('listed')).workers as string[]
  }

  /** Connections, topic peers and last publish of those of `workers` living on this host. */
  async diagnose (workers: string[]): Promise<Array<Record<string, unknown>>> {
    return (await this.request('diagnose', { workers })).workers as Array<Record<string, unknown>>
  }

  async stats (): Promise<HostStats> {
    return await this.request('stats') as unknown as HostStats
  }

  async reset (): Promise<void> {
    await this.request('reset')
  }

  async stopNode (node: string): Promise<void> {
    await this.request('stop', { node })
  }

  /** Closes stdin (the host stops its nodes and exits), SIGKILL after the grace period. */
  async close (): Promise<void> {
    await this.child.stop(15_000)
  }
}
