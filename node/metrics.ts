import { createServer, type Server } from 'node:http'
import { Gauge, Registry } from 'prom-client'
import type { Logger } from 'pino'
import { splitHostPort } from './config.js'
import type { NodeStatus } from './status.js'

/**
 * Prometheus metrics of one node on `--metrics HOST:PORT` (`GET /metrics`): libp2p's own families (connections,
 * streams, DHT, gossipsub; registered by @libp2p/prometheus-metrics into this registry), Node's process metrics,
 * and Cocoon's: capacity-table size and the role's counters. Only counts and sizes, never content.
 */
export class MetricsServer {
  readonly registry = new Registry()
  private server?: Server
  /** Where it listens, once listening. */
  url?: string

  constructor (status: () => NodeStatus) {
    const registry = this.registry
    new Gauge({
      name: 'cocoon_capacity_workers',
      help: 'Workers in this node\'s capacity table',
      registers: [registry],
      collect () { this.set(status().capacity.length) }
    })
    new Gauge({
      name: 'cocoon_connected_peers',
      help: 'Peers this node is connected to',
      registers: [registry],
      collect () { this.set(status().connectedPeers.length) }
    })
    new Gauge({
      name: 'cocoon_role_counter',
      help: 'Counters reported by the node\'s role (jobs, completed, failed, failovers, bytesRelayed, jobsDone)',
      labelNames: ['counter'],
      registers: [registry],
      collect () {
        const extra = status().extra
        const flat: Record<string, unknown> = { ...(extra.jobs as Record<string, unknown> ?? {}), jobsDone: extra.jobsDone }
        for (const [k, v] of Object.entries(flat)) if (typeof v === 'number') this.set({ counter: k }, v)
      }
    })
  }

  async listen (hostPort: string, logger: Logger): Promise<string> {
    const { host, port } = splitHostPort(hostPort)
    this.server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end('try /metrics\n')
        return
      }
      this.registry.metrics().then(body => {
        res.writeHead(200, { 'content-type': this.registry.contentType }).end(body)
      }, err => { res.writeHead(500).end(String(err)) })
    })
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject)
      this.server!.listen(port, host, () => resolve())
    })
    const address = this.server.address()
    const url = `http://${host}:${typeof address === 'object' && address != null ? address.port : port}/metrics`
    logger.info({ url }, 'metrics listening')
    this.url = url
    return url
  }

  async close (): Promise<void> {
    await new Promise<void>(resolve => this.server == null ? resolve() : this.server.close(() => resolve()))
  }
}
