import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { NodeProcess, type ChildLine } from '../../node/network/child.js'
import { startNetwork, type LocalNetwork } from '../../node/network/launcher.js'

/** A free TCP port on loopback (there is a small race between closing and reuse; fine for tests). */
export async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address != null ? address.port : 0))
    })
  })
}

/** Every log line of every process, for assertions such as "the reason was logged". */
export class LogBook {
  readonly lines: ChildLine[] = []
  readonly onLine = (l: ChildLine): void => {
    this.lines.push(l)
    if (process.env.COCOON_TEST_LOGS === '1') process.stderr.write(`[${l.name}] ${l.line}\n`)
  }

  /** Parsed JSON log records of one process whose message matches. */
  records (name: string, msg: string | RegExp): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = []
    for (const l of this.lines) {
      if (l.name !== name || l.stream !== 'stderr') continue
      try {
        const rec = JSON.parse(l.line)
        if (typeof rec.msg === 'string' && (typeof msg === 'string' ? rec.msg === msg : msg.test(rec.msg))) out.push(rec)
      } catch {}
    }
    return out
  }

  /** The last lines of every process, for a failure report. */
  tail (lines = 15): string {
    const names = [...new Set(this.lines.map(l => l.name))]
    return names.map(n => `--- ${n} ---\n` + this.lines.filter(l => l.name === n).slice(-lines).map(l => l.line).join('\n')).join('\n')
  }

  async waitFor (name: string, msg: string | RegExp, timeoutMs: number, where: (r: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs
    while (true) {
      const found = this.records(name, msg).find(where)
      if (found != null) return found
      if (Date.now() > deadline) throw new Error(`${name} did not log "${String(msg)}" within ${timeoutMs} ms`)
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  }
}

export interface TestNetwork extends LocalNetwork {
  dir: string
  logs: LogBook
  /** Starts one more node process (same chain, same bootstrap) and waits for its `started` event. */
  spawn: (name: string, args: string[]) => Promise<NodeProcess>
  /** Flags every node on this network needs (`--ton`, `--registry`). */
  chainFlags: string[]
  close: () => Promise<void>
}

/** A whole local network (devnet, proxy, workers, client gateway) in a temporary directory on free ports. */
export async function startTestNetwork (opts: { workers?: number, workerCpus?: string } = {}): Promise<TestNetwork> {
  const dir = await mkdtemp(join(tmpdir(), 'cocoon-test-'))
  const logs = new LogBook()
  const extra: NodeProcess[] = []
  let network: LocalNetwork
  try {
    network = await startNetwork({
      dir,
      workers: opts.workers ?? 2,
      workerCpus: opts.workerCpus,
      http: `127.0.0.1:${await freePort()}`,
      devnetPort: await freePort(),
      proxyPort: await freePort(),
      onLine: logs.onLine,
      logger: pino({ level: 'silent' })
    })
  } catch (err) {
    // The processes are gone by now; their last words are the only way to see why in CI.
    process.stderr.write(`test network failed to start: ${(err as Error).message}\n${logs.tail()}\n`)
    await rm(dir, { recursive: true, force: true })
    throw err
  }
  const chainFlags = ['--ton', network.endpoint, '--registry', network.registry]
  return {
    ...network,
    dir,
    logs,
    chainFlags,
    spawn: async (name, args) => {
      const p = new NodeProcess(name, args, logs.onLine)
      extra.push(p)
      network.processes.push(p)
      await p.waitFor('started', 120_000)
      return p
    },
    close: async () => {
      await network.stop()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/** The named process of a network. */
export function proc (net: LocalNetwork, name: string): NodeProcess {
  const p = net.processes.find(x => x.name === name)
  if (p == null) throw new Error(`no process ${name}`)
  return p
}
