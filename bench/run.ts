/**
 * `npm run bench [-- NAME ...]`: runs every benchmark module (or the named ones) one after another, prints a
 * table of their figures with the goal beside each where there is one, and saves everything with the machine's
 * description to bench/results/latest.json and bench/results/<ISO date>.json.
 *
 * A bench that throws is reported with its error and the others still run; the exit code is 1 if any failed.
 * A missed goal is reported, not a failure: figures depend on the machine.
 */
import { join } from 'node:path'
import { packageRoot } from '../node/package-root.js'
import { evaluateGoal, formatTable, machineInfo, saveResults, type BenchOutcome, type Figures, type Goal } from './lib-report.js'
import { beginNetworkSharing, endNetworkSharing } from './lib-test-network.js'

type BenchModule = { run: () => Promise<Figures> }

/** Every bench, in the order they run. network and client share one test network (see lib-test-network.ts). */
const BENCHES: Array<{ name: string, what: string, load: () => Promise<BenchModule> }> = [
  { name: 'seal', what: 'sealing cost per job and per chunk', load: async () => import('./seal.js') },
  { name: 'attestation', what: 'certificate issue and verification', load: async () => import('./attestation.js') },
  { name: 'models', what: 'engine on the built-in model', load: async () => import('./models.js') },
  { name: 'gateway', what: 'HTTP gateway over an instant backend', load: async () => import('./gateway.js') },
  { name: 'chain', what: 'contract gas and devnet lookups', load: async () => import('./chain.js') },
  { name: 'swarm', what: 'capacity gossip in a 50-node swarm (issue 2)', load: async () => import('./swarm.js') },
  { name: 'relay', what: 'one proxy relaying synthetic streams (issue 4)', load: async () => import('./relay.js') },
  { name: 'network', what: 'network path vs engine directly (issue 4)', load: async () => import('./network.js') },
  { name: 'client', what: 'light client start and memory, gateway overhead (issue 7)', load: async () => import('./client.js') }
]

/** The goals of issues 2, 4 and 7, by the figure that measures each. */
const GOALS: Goal[] = [
  { bench: 'swarm', figure: 'joinToFirstProxyP50Ms', op: '<=', at: 2000, label: 'new worker in a proxy table, 50-node swarm, p50' },
  { bench: 'swarm', figure: 'joinToFirstProxyMaxMs', op: '<=', at: 2000, label: 'new worker in a proxy table, 50-node swarm, max' },
  { bench: 'network', figure: 'networkToDirectTokensPerSecondRatio', op: '>=', at: 0.95, label: 'network tokens/s vs engine directly' },
  { bench: 'network', figure: 'networkFirstTokenOverheadP50Ms', op: '<=', at: 5, label: 'first-token overhead of the network path, p50, loopback' },
  { bench: 'relay', figure: 'concurrent16TokensPerSecond', op: '>=', at: 20_000, label: 'tokens/s one proxy relays' },
  { bench: 'relay', figure: 'proxyRss1000StreamsMiB', op: '<', at: 300, label: 'proxy RSS with 1,000 concurrent streams (MiB)' },
  { bench: 'client', figure: 'clientRssReadyMiB', op: '<', at: 60, label: 'light client RSS (MiB)' },
  { bench: 'client', figure: 'createToReadyP50Ms', op: '<', at: 1000, label: 'createClient to ready' }
]

async function main (): Promise<number> {
  const names = process.argv.slice(2)
  const unknown = names.filter(n => !BENCHES.some(b => b.name === n))
  if (unknown.length > 0) {
    process.stderr.write(`unknown bench ${unknown.join(', ')}; known: ${BENCHES.map(b => b.name).join(', ')}\n`)
    return 2
  }
  const selected = names.length === 0 ? BENCHES : BENCHES.filter(b => names.includes(b.name))
  const started = new Date()
  const outcomes: BenchOutcome[] = []
  beginNetworkSharing()
  try {
    for (const [i, bench] of selected.entries()) {
      process.stderr.write(`[${i + 1}/${selected.length}] ${bench.name}: ${bench.what} ...`)
      const t0 = performance.now()
      try {
        const figures = await (await bench.load()).run()
        outcomes.push({ name: bench.name, ok: true, durationMs: performance.now() - t0, figures })
        process.stderr.write(` done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`)
      } catch (err) {
        const error = (err as Error)?.stack ?? String(err)
        outcomes.push({ name: bench.name, ok: false, durationMs: performance.now() - t0, error: (err as Error)?.message ?? String(err) })
        process.stderr.write(` FAILED after ${((performance.now() - t0) / 1000).toFixed(1)} s\n${error}\n`)
      }
    }
  } finally {
    await endNetworkSharing().catch(err => { process.stderr.write(`stopping the shared test network failed: ${(err as Error).message}\n`) })
  }

  const goals = GOALS.filter(g => selected.some(b => b.name === g.bench)).map(g => evaluateGoal(g, outcomes))
  const machine = machineInfo()
  process.stdout.write(`\nCocoon benchmarks, ${started.toISOString()}, ${machine.cpus} x ${machine.cpuModel}, ${(machine.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${machine.node}, load ${machine.loadAverage1m}\n`)
  process.stdout.write(`${formatTable(outcomes, goals)}\n`)
  const report = {
    date: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    machine,
    benches: Object.fromEntries(outcomes.map(o => [o.name, o])),
    goals
  }
  const saved = await saveResults(join(packageRoot(), 'bench', 'results'), report, started)
  process.stdout.write(`\nsaved ${saved} and bench/results/latest.json\n`)
  return outcomes.every(o => o.ok) ? 0 : 1
}

main().then(code => process.exit(code), err => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`)
  process.exit(1)
})
