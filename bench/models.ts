/**
 * Engine baseline on the built-in model: time to first token and tokens/s for one job alone and
 * for 4 concurrent jobs on one loaded model (the "direct" figures the network path is compared
 * with), plus load time and peak RSS.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NodeLlamaCppEngine } from '../models/llama/engine.js'
import { ensureBuiltinModel } from '../models/builtin/ensure.js'
import type { GenerateRequest, LoadedModel } from '../models/engine.js'
import { timedRun } from '../models/speed.js'

const TOKENS = 256
const CONCURRENT = 4
const ROUNDS = 3

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

export async function run (): Promise<Record<string, number | string>> {
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
    return {
      model: 'cocoon-tiny',
      device: device.gpuName ?? device.kind,
      loadMs: round(loadMs),
      aloneTokensPerSecond: round(median(alone.map(j => j.tokens / (j.totalMs / 1000)))),
      aloneFirstTokenMs: round(median(alone.map(j => j.firstTokenMs))),
      concurrent4AggregateTokensPerSecond: round(median(concurrentTps)),
      concurrent4PerJobTokensPerSecond: round(median(concurrentTps) / CONCURRENT),
      concurrent4FirstTokenMs: round(median(concurrentTtft)),
      peakRssMiB: round(process.resourceUsage().maxRSS / 1024)
    }
  } finally {
    await engine.close()
    await rm(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run())
}
