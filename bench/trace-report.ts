/**
 * `node dist/bench/trace-report.js FILE`: where the jobs in a job-path trace spent their time, step by step.
 *
 * Record a trace by running anything with COCOON_TRACE_FILE set: every node and embedded client started from that
 * environment (child processes inherit it) appends its marks (protocols/common/trace.ts) to the file, e.g.
 * `COCOON_TRACE_FILE=/tmp/trace.log node dist/bench/network.js`. Jobs are told apart by their `client.start`
 * marks, so they must run one after another (as in the benches): a job is every mark from its start to the next
 * start, the client's marks from its own process and the proxy's and worker's from any. Jobs are reported per client
 * process (the bench's light client and the gateway's are two); a mark missing from a job (an answer short enough
 * to end with its first chunk) leaves that job out of the steps it bounds.
 */
import { readFileSync } from 'node:fs'
import { Command } from 'commander'
import { JOB_PATH_MARKS, type JobPathMark } from '../protocols/common/trace.js'
import { percentile, round } from './lib-stats.js'

export interface TraceEntry { mark: JobPathMark, atMs: number, pid: number }

export interface TraceStep { from: JobPathMark, to: JobPathMark, jobs: number, p50Ms: number, p90Ms: number }

export interface ClientTrace {
  pid: number
  jobs: number
  steps: TraceStep[]
  /** From `client.start` to the first chunk opened, and from the engine's end to the caller's `done`. */
  firstChunkP50Ms: number
  endP50Ms: number
}

type Job = { pid: number } & Partial<Record<JobPathMark, number>>

const KNOWN = new Set<string>(JOB_PATH_MARKS)

/** Lines of `mark ms pid`; anything else is refused with its line number. */
export function parseTrace (text: string): TraceEntry[] {
  const entries: TraceEntry[] = []
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue
    const [mark, at, pid] = line.trim().split(/\s+/)
    if (!KNOWN.has(mark) || !Number.isFinite(Number(at)) || !Number.isInteger(Number(pid))) {
      throw new Error(`trace line ${i + 1} is not "mark ms pid" with a known mark: ${JSON.stringify(line)}`)
    }
    entries.push({ mark: mark as JobPathMark, atMs: Number(at), pid: Number(pid) })
  }
  return entries.sort((a, b) => a.atMs - b.atMs)
}

/** Splits a trace into jobs at each `client.start`, keeping each mark's first time within its job. */
export function jobsOf (entries: TraceEntry[]): Job[] {
  const jobs: Job[] = []
  let job: Job | undefined
  for (const e of entries) {
    if (e.mark === 'client.start') {
      job = { pid: e.pid, 'client.start': e.atMs }
      jobs.push(job)
      continue
    }
    if (job == null || job[e.mark] != null) continue
    if (e.mark.startsWith('client.') && e.pid !== job.pid) continue
    job[e.mark] = e.atMs
  }
  return jobs
}

/** Per client process: p50 and p90 of every step between consecutive marks, skipping each client's first `skip` jobs (warm-ups). */
export function summarizeTrace (entries: TraceEntry[], skip = 0): ClientTrace[] {
  const byPid = new Map<number, Job[]>()
  for (const job of jobsOf(entries)) {
    const jobs = byPid.get(job.pid) ?? []
    jobs.push(job)
    byPid.set(job.pid, jobs)
  }
  const span = (jobs: Job[], from: JobPathMark, to: JobPathMark): number[] =>
    jobs.filter(j => j[from] != null && j[to] != null).map(j => (j[to] as number) - (j[from] as number))
  return [...byPid].map(([pid, all]) => {
    const jobs = all.slice(skip)
    const steps: TraceStep[] = []
    for (let i = 1; i < JOB_PATH_MARKS.length; i++) {
      const from = JOB_PATH_MARKS[i - 1]
      const to = JOB_PATH_MARKS[i]
      const ms = span(jobs, from, to)
      if (ms.length > 0) steps.push({ from, to, jobs: ms.length, p50Ms: round(percentile(ms, 50), 3), p90Ms: round(percentile(ms, 90), 3) })
    }
    return {
      pid,
      jobs: jobs.length,
      steps,
      firstChunkP50Ms: round(percentile(span(jobs, 'client.start', 'client.firstChunk'), 50), 3),
      endP50Ms: round(percentile(span(jobs, 'worker.engineDone', 'client.done'), 50), 3)
    }
  })
}

/** Where a network answer's time went, as means over the jobs one client ran (see `answerCosts`). */
export interface AnswerCosts {
  jobs: number
  /** `client.start` to `worker.opened`: the job's way to the worker's engine. */
  toEngineMeanMs: number
  /** `worker.opened` to `worker.engineDone`: the worker's engine, from the job handed over to its end. */
  engineMeanMs: number
  /** `worker.engineDone` to `client.done`: the answer's end on its way back to the caller. */
  endMeanMs: number
}

/**
 * The three parts of whole answers run by client process `pid` from `fromMs` on (its jobs that have all four marks):
 * what the network path adds before the engine and after it, and the engine's own time in the worker, which a
 * bench can set beside the same engine run directly.
 */
export function answerCosts (entries: TraceEntry[], pid: number, fromMs = -Infinity): AnswerCosts | undefined {
  const jobs = jobsOf(entries).filter(j => j.pid === pid && (j['client.start'] ?? -Infinity) >= fromMs &&
    j['worker.opened'] != null && j['worker.engineDone'] != null && j['client.done'] != null)
  if (jobs.length === 0) return undefined
  const mean = (from: JobPathMark, to: JobPathMark): number => round(jobs.reduce((sum, j) => sum + (j[to] as number) - (j[from] as number), 0) / jobs.length, 3)
  return {
    jobs: jobs.length,
    toEngineMeanMs: mean('client.start', 'worker.opened'),
    engineMeanMs: mean('worker.opened', 'worker.engineDone'),
    endMeanMs: mean('worker.engineDone', 'client.done')
  }
}

function format (clients: ClientTrace[]): string {
  const out: string[] = []
  for (const c of clients) {
    out.push(`client process ${c.pid}: ${c.jobs} jobs; start to first chunk p50 ${c.firstChunkP50Ms} ms, engine's end to done p50 ${c.endP50Ms} ms`)
    for (const s of c.steps) out.push(`  ${`${s.from} -> ${s.to}`.padEnd(46)} p50 ${s.p50Ms.toFixed(3).padStart(8)} ms  p90 ${s.p90Ms.toFixed(3).padStart(8)} ms  (${s.jobs} jobs)`)
  }
  return out.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const program = new Command('trace-report')
    .description('Where the jobs in a job-path trace (COCOON_TRACE_FILE) spent their time, step by step, per client process.')
    .argument('<file>', 'the trace file')
    .option('--skip <n>', 'leave out each client\'s first n jobs (warm-ups)', '0')
    .option('--json', 'print JSON instead of a table')
    .action((file: string, opts: { skip: string, json?: boolean }) => {
      const skip = Number(opts.skip)
      if (!Number.isInteger(skip) || skip < 0) program.error(`--skip must be a whole number, got ${opts.skip}`)
      const clients = summarizeTrace(parseTrace(readFileSync(file, 'utf8')), skip)
      if (clients.length === 0) program.error(`${file} has no job in it (no client.start mark)`)
      console.log(opts.json === true ? JSON.stringify(clients, null, 2) : format(clients))
    })
  program.parse()
}
