/**
 * `npm run bench [-- NAME ...]`: runs every benchmark module (or the named ones) one after another, each in a
 * process of its own (run-one.ts), prints a table of their figures with the goal beside each where there is one,
 * and saves everything with the machine's description to bench/results/latest.json and
 * bench/results/<ISO date>.json.
 *
 * A bench that throws (or whose process dies) is reported with its error and the others still run; the exit code
 * is 1 if any failed. A missed goal is reported, not a failure: figures depend on the machine.
 */
import { fork } from 'node:child_process'
import { join } from 'node:path'
import { packageRoot } from '../node/package-root.js'
import { BENCHES, GOALS } from './benches.js'
import { compiledBenchScript } from './lib-child.js'
import { evaluateGoal, formatTable, machineInfo, saveResults, type BenchOutcome } from './lib-report.js'
import type { OneBenchResult } from './run-one.js'

/** Runs one bench in a fresh process: its figures, or why it failed. */
async function runInChild (name: string): Promise<OneBenchResult> {
  const child = fork(compiledBenchScript('run-one'), [name], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  let result: OneBenchResult | undefined
  child.on('message', (m) => { result = m as OneBenchResult })
  const exit = await new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => { resolve({ code, signal }) })
  })
  return result ?? { ok: false, error: `the bench's process exited (${exit.signal ?? `code ${String(exit.code)}`}) without a result` }
}

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
  for (const [i, bench] of selected.entries()) {
    process.stderr.write(`[${i + 1}/${selected.length}] ${bench.name}: ${bench.what} ...`)
    const t0 = performance.now()
    const result = await runInChild(bench.name)
    const durationMs = performance.now() - t0
    if (result.ok) {
      outcomes.push({ name: bench.name, ok: true, durationMs, figures: result.figures })
      process.stderr.write(` done in ${(durationMs / 1000).toFixed(1)} s\n`)
    } else {
      outcomes.push({ name: bench.name, ok: false, durationMs, error: result.error })
      process.stderr.write(` FAILED after ${(durationMs / 1000).toFixed(1)} s\n${result.stack ?? result.error}\n`)
    }
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
