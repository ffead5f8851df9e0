/** Printing and saving benchmark results for bench/run.ts. */
import { cpus, freemem, loadavg, totalmem } from 'node:os'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export type Figures = Record<string, number | string>

/** A target a figure should meet; `at` is compared with `op` against the measured value. */
export interface Goal {
  bench: string
  figure: string
  op: '<=' | '<' | '>=' | '>'
  at: number
  /** What the goal means, in words, for the table. */
  label: string
}

export interface BenchOutcome {
  name: string
  ok: boolean
  durationMs: number
  figures?: Figures
  error?: string
}

export interface GoalResult extends Goal {
  value?: number
  met?: boolean
}

export interface Machine {
  cpus: number
  cpuModel: string
  totalMemoryBytes: number
  freeMemoryBytes: number
  loadAverage1m: number
  node: string
  platform: string
  arch: string
}

export function machineInfo (): Machine {
  const c = cpus()
  return {
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    totalMemoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
    node: process.version,
    platform: process.platform,
    arch: process.arch
  }
}

export function evaluateGoal (goal: Goal, outcomes: BenchOutcome[]): GoalResult {
  const raw = outcomes.find(o => o.name === goal.bench)?.figures?.[goal.figure]
  if (typeof raw !== 'number' || Number.isNaN(raw)) return { ...goal }
  const met = goal.op === '<=' ? raw <= goal.at : goal.op === '<' ? raw < goal.at : goal.op === '>=' ? raw >= goal.at : raw > goal.at
  return { ...goal, value: raw, met }
}

function formatValue (v: number | string): string {
  if (typeof v === 'string') return v
  if (Number.isInteger(v)) return v.toLocaleString('en-US')
  return v.toLocaleString('en-US', { maximumFractionDigits: 3 })
}

/** A plain-text table: one block per bench, one line per figure, with its goal and whether it was met. */
export function formatTable (outcomes: BenchOutcome[], goals: GoalResult[]): string {
  const lines: string[] = []
  for (const o of outcomes) {
    lines.push('')
    lines.push(`${o.name} (${(o.durationMs / 1000).toFixed(1)} s)${o.ok ? '' : ' FAILED'}`)
    if (!o.ok) {
      lines.push(`  error: ${o.error ?? 'unknown'}`)
      continue
    }
    const entries = Object.entries(o.figures ?? {})
    const width = Math.max(...entries.map(([k]) => k.length), 10)
    for (const [key, value] of entries) {
      const g = goals.find(x => x.bench === o.name && x.figure === key)
      const goal = g == null ? '' : `  goal ${g.op} ${formatValue(g.at)}  ${g.met === true ? 'ok' : g.met === false ? 'MISSED' : '?'}`
      lines.push(`  ${key.padEnd(width)}  ${formatValue(value).padStart(14)}${goal}`)
    }
  }
  const judged = goals.filter(g => g.met != null)
  if (judged.length > 0) {
    lines.push('')
    lines.push(`goals: ${judged.filter(g => g.met === true).length}/${judged.length} met`)
    for (const g of judged.filter(x => x.met === false)) lines.push(`  missed: ${g.label} (${g.bench}.${g.figure} = ${formatValue(g.value as number)}, goal ${g.op} ${formatValue(g.at)})`)
  }
  return lines.join('\n')
}

/** Writes results/latest.json and results/<ISO date>.json under `dir`; returns the dated path. */
export async function saveResults (dir: string, report: Record<string, unknown>, date: Date): Promise<string> {
  await mkdir(dir, { recursive: true })
  const body = `${JSON.stringify(report, null, 2)}\n`
  const dated = join(dir, `${date.toISOString().replace(/:/g, '-')}.json`)
  await writeFile(dated, body)
  await writeFile(join(dir, 'latest.json'), body)
  return dated
}
