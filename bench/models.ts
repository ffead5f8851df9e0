/**
 * Engine baseline on the built-in model: time to first token and tokens/s for one job alone and
 * for 4 concurrent jobs on one loaded model (the "direct" figures the network path is compared
 * with), plus load time and memory.
 *
 * The engine runs in a child process of its own (this same file, compiled, run with `--child`), so
 * its memory figures are the engine's: `run.ts` runs every bench in one process, and that
 * process's lifetime peak RSS would include whatever ran before. The child reports:
 * - `engineProcessPeakRssMiB`: the child's peak RSS (getrusage maxrss), i.e. Node itself plus
 *   node-llama-cpp, the loaded model with 4 slots and everything the jobs allocated;
 * - `engineRssRiseMiB`: that peak minus the child's RSS just before node-llama-cpp was loaded, i.e.
 *   what the engine and the model added on top of an idle Node process.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BenchChild } from './lib-child.js'
import { ensureBuiltinModel } from '../models/builtin/ensure.js'
import type { GenerateRequest, LoadedModel } from '../models/engine.js'
import { timedRun } from '../models/speed.js'

const TOKENS = 256
const CONCURRENT = 4
const ROUNDS = 3
/** The child loads llama.cpp, the model and runs 1 + 3 + 3 x 4 jobs of 256 tokens: seconds on 2 cores. */
const CHILD_TIMEOUT_MS = 300_000
const CHILD_FLAG = '--child'

interface JobTiming { firstTokenMs: number, totalMs: number, tokens: number }

async function timedJob (model: LoadedModel, req: GenerateRequest): Promise<JobTiming> {
  const t = await timedRun(model, req)
  return { firstTokenMs: t.firstMs, totalMs: t.totalMs, tokens: t.tokens }
}

function median (values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

const round = (n: number): number => Math.round(n * 100) / 100
const mib = (bytes: number): number => round(bytes / 2 ** 20)

/** The measurement itself; runs in the child process. */
async function measure (): Promise<Record<string, number | string>> {
  // Before node-llama-cpp is even imported: the idle Node process the engine's memory is measured against.
  const baselineRss = process.memoryUsage().rss
  const { NodeLlamaCppEngine } = await import('../models/llama/engine.js')
  const dir = await mkdtemp(join(tmpdir(), 'cocoon-bench-models-'))
  const engine = new NodeLlamaCppEngine()
  try {
    const f = await ensureBuiltinModel(dir)
    const loadStart = performance.now()
    const model = await engine.load(f.path, { id: 'cocoon-tiny', sha256: f.sha256, slots: CONCURRENT })
    const loadMs = performance.now() - loadStart
    const req = (i: number): GenerateRequest => ({ prompt: `Job ${i}: the worker answers the question`, maxTokens: TOKENS })
    await timedJob(model, { prompt: 'warm up', maxTokens: 8 })

    const alone: JobTiming[] = []
    for (let r = 0; r < ROUNDS; r++) alone.push(await timedJob(model, req(r)))

    const concurrentTps: number[] = []
    const concurrentTtft: number[] = []
    for (let r = 0; r < ROUNDS; r++) {
      const start = performance.now()
      const jobs = await Promise.all(Array.from({ length: CONCURRENT }, async (_, i) => await timedJob(model, req(i))))
      const wall = performance.now() - start
      concurrentTps.push(jobs.reduce((a, j) => a + j.tokens, 0) / (wall / 1000))
      concurrentTtft.push(median(jobs.map(j => j.firstTokenMs)))
    }
    const device = await engine.device()
    const peakRss = process.resourceUsage().maxRSS * 1024 // maxRSS is in KiB
    return {
      model: 'cocoon-tiny',
      device: device.gpuName ?? device.kind,
      loadMs: round(loadMs),
      aloneTokensPerSecond: round(median(alone.map(j => j.tokens / (j.totalMs / 1000)))),
      aloneFirstTokenMs: round(median(alone.map(j => j.firstTokenMs))),
      concurrent4AggregateTokensPerSecond: round(median(concurrentTps)),
      concurrent4PerJobTokensPerSecond: round(median(concurrentTps) / CONCURRENT),
      concurrent4FirstTokenMs: round(median(concurrentTtft)),
      engineProcessPeakRssMiB: mib(peakRss),
      engineRssRiseMiB: mib(peakRss - baselineRss)
    }
  } finally {
    await engine.close()
    await rm(dir, { recursive: true, force: true })
  }
}

export async function run (): Promise<Record<string, number | string>> {
  const child = new BenchChild('models', [CHILD_FLAG])
  try {
    const result = await child.next('result', CHILD_TIMEOUT_MS)
    if (typeof result.error === 'string') throw new Error(`engine bench child failed: ${result.error}`)
    return result.figures as Record<string, number | string>
  } finally {
    await child.stop()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes(CHILD_FLAG)) {
    // Child: one JSON line on stdout (lib-child.ts reads it), then exit.
    const line = await measure().then(
      figures => ({ event: 'result', figures }),
      (err: unknown) => ({ event: 'result', error: (err as Error).stack ?? String(err) })
    )
    process.stdout.write(JSON.stringify(line) + '\n')
  } else {
    console.log(await run())
  }
}
