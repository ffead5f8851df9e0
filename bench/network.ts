/**
 * Issue 4, "same run, same model": streaming completions through the whole network path against the engine
 * run directly, on the built-in model, with the same messages, maxTokens and seed (greedy sampling, so both
 * paths produce the same answer; `sameAnswer` checks it).
 *
 * - network: a light client in this process (lib-light-client.ts: libp2p in DHT client mode + LightClient,
 *   offers verified against the devnet registry) -> proxy process -> worker process (node-llama-cpp on the
 *   worker's engine thread) and back, sealed end to end.
 * - gateway: the same path entered through the client process's OpenAI gateway (HTTP + SSE).
 * - direct: NodeLlamaCppEngine in this process on the same GGUF, with the slots the worker uses.
 * - loopback: a 200-byte round trip to an echo server in another process over plain TCP (lib-loopback.ts), taken
 *   after an idle pause, half just before the runs and half just after (between runs it slowed the next run's
 *   first token): what the machine itself charges per process hop, under the network path's four hops to the
 *   first token. The same over an open libp2p stream (Noise, yamux) to that process: what each hop costs before
 *   any of the job protocol's own work.
 * - cpuStealPercent: the VM's steal time over the runs (lib-cpu-steal.ts).
 * - where a network answer's time went: every process marks each job's way into one job-path trace (COCOON_TRACE_FILE,
 *   protocols/common/trace.ts; a mark is an array push), and the network runs' means are split into the way to the
 *   worker's engine, the engine there, and the way back after it. Set beside the direct engine's answers, that tells a
 *   run's ratio apart into what the network path costs and how fast the worker's engine happened to run against the
 *   direct one (`workerEngineMinusDirectMeanMs`; the same engine on the same core, yet it differs by several ms per
 *   answer from run to run on this VM). `networkToDirectRatioAtEqualEngines` is the ratio had the two engines run
 *   alike: direct / (network - that difference), that is the direct answer over the direct answer plus everything
 *   the network path adds (the network answer less its own engine's time). The goal is on that paired figure: the
 *   measured ratio also carries how fast the two engines happened to run, which moved it by more than the network
 *   path costs (`networkToDirectRatioStdError`, from the spread of the answers each way: ±0.02-0.08 over 20 rounds
 *   here, where the paired figure varied by about ±0.01). It counts the worker's hand-offs to and from its engine
 *   thread as engine time, a few tenths of a ms per answer.
 *
 * Runs alternate network / direct / gateway so that drift in machine load hits all three alike. Where it can, the
 * bench gives the engines a core of their own, as hosts of their own would (PLACEMENT in lib-test-network.ts): the
 * worker's engine and the direct engine take turns on the last CPU; the worker's networking, the proxy, gateway,
 * devnet and this process's light client run anywhere. While one path runs, the others are idle.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BUILTIN_MODEL_ID, ensureBuiltinModel, NodeLlamaCppEngine } from '../models/index.js'
import { FLUSH_EVERY_MS, installTraceFile } from '../node/trace-file.js'
import OpenAI from 'openai'
import { startLightClient } from './lib-light-client.js'
import { measureSteal } from './lib-cpu-steal.js'
import { LoopbackProbe } from './lib-loopback.js'
import { percentile, ratioOfMeansStdError, round } from './lib-stats.js'
import { EnginePlacer, PLACEMENT, withTestNetwork } from './lib-test-network.js'
import { streamingTokensPerSecond, timeEvents, tokensPerSecond, type StreamTiming } from './lib-timing.js'
import { answerCosts, parseTrace, type AnswerCosts } from './trace-report.js'

const MESSAGES = [{ role: 'user' as const, content: 'Tell the network a short story about a cocoon and a butterfly.' }]
const MAX_TOKENS = 256
const SEED = 42
const WARMUP_RUNS = 2
// 40: one answer of the same engine took 143-273 ms within a run on this shared VM; with 20 rounds a run's plain
// ratio was good to ±0.02-0.08 and its paired one (at equal engines) to about ±0.01, about the goal's whole margin.
const RUNS = 40
const LOOPBACK_PROBES = 20
/** About what the proxy and the worker idle between two network runs (a direct run). */
const LOOPBACK_IDLE_MS = 150

export async function run (): Promise<Record<string, number | string>> {
  // Set before the network starts: its processes inherit it, and createClient installs it in this one.
  const given = process.env.COCOON_TRACE_FILE
  const traceDir = await mkdtemp(join(tmpdir(), 'cocoon-bench-trace-'))
  const tracePath = given != null && given !== '' ? given : join(traceDir, 'job-path.log')
  process.env.COCOON_TRACE_FILE = tracePath
  try {
    return await measure(tracePath)
  } finally {
    if (given == null) delete process.env.COCOON_TRACE_FILE
    else process.env.COCOON_TRACE_FILE = given
    await rm(traceDir, { recursive: true, force: true })
  }
}

/** This process's network answers since `fromMs`, split by the job-path trace at `path`. */
async function networkAnswerCosts (path: string, fromMs: number): Promise<AnswerCosts | undefined> {
  installTraceFile(path)() // writes this process's marks out
  await new Promise(resolve => setTimeout(resolve, FLUSH_EVERY_MS + 100)) // and lets the network's processes write theirs
  return answerCosts(parseTrace(await readFile(path, 'utf8')), process.pid, fromMs)
}

const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6

async function measure (tracePath: string): Promise<Record<string, number | string>> {
  return withTestNetwork(async (net) => {
    const dir = await mkdtemp(join(tmpdir(), 'cocoon-bench-network-'))
    const engine = new NodeLlamaCppEngine()
    const embedded = await startLightClient(net.proxyAddress, net)
    let loopback: LoopbackProbe | undefined
    let placer: EnginePlacer | undefined
    try {
      loopback = await LoopbackProbe.start()
      if (PLACEMENT != null) placer = await EnginePlacer.start()
      const file = await ensureBuiltinModel(dir)
      const model = await engine.load(file.path, { id: BUILTIN_MODEL_ID, sha256: file.sha256 })
      await embedded.client.ready()

      // This process takes the worker's CPU for its own engine's runs (the worker idles meanwhile) and gives it back
      // for the network runs, so that both engines decode alone on the same core (lib-test-network.ts).
      const place = async (cpus?: string): Promise<void> => { if (cpus != null) await placer?.place(cpus) }
      const direct = async (): Promise<StreamTiming> => {
        await place(PLACEMENT?.engineCpus)
        try {
          return await timeEvents(() => model.generate({ messages: MESSAGES, maxTokens: MAX_TOKENS, seed: SEED }))
        } finally {
          await place(PLACEMENT?.allCpus)
        }
      }
      const network = async (): Promise<StreamTiming> => timeEvents(() => embedded.client.chat({ model: BUILTIN_MODEL_ID, messages: MESSAGES, maxTokens: MAX_TOKENS, seed: SEED }, new AbortController().signal))
      // An OpenAI SDK app: tokens are counted from the usage the gateway reports (a streamed delta carries as
      // many tokens as the worker coalesced into one chunk).
      const openai = new OpenAI({ baseURL: `${net.gatewayUrl}/v1`, apiKey: 'unused', maxRetries: 0 })
      const gateway = async (): Promise<StreamTiming> => timeEvents(async function * () {
        const stream = await openai.chat.completions.create({ model: BUILTIN_MODEL_ID, messages: MESSAGES, max_tokens: MAX_TOKENS, seed: SEED, stream: true, stream_options: { include_usage: true } })
        for await (const chunk of stream) {
          const text = chunk.choices[0]?.delta?.content
          if (text != null && text !== '') yield { type: 'token' as const, text }
          if (chunk.usage != null) yield { type: 'done' as const, usage: { completionTokens: chunk.usage.completion_tokens } }
        }
      })

      for (let i = 0; i < WARMUP_RUNS; i++) { await direct(); await network(); await gateway() }
      const runs = { direct: [] as StreamTiming[], network: [] as StreamTiming[], gateway: [] as StreamTiming[] }
      const loopbackMs: number[] = []
      const libp2pMs: number[] = []
      const probe = loopback
      const idle = async (): Promise<void> => { await new Promise(resolve => setTimeout(resolve, LOOPBACK_IDLE_MS)) }
      const probeLoopback = async (): Promise<void> => {
        for (let i = 0; i < LOOPBACK_PROBES / 2; i++) {
          await idle()
          loopbackMs.push(await probe.roundTripMs())
          await idle()
          libp2pMs.push(await probe.libp2pRoundTripMs())
        }
      }
      await probeLoopback()
      const measuredFromMs = monotonicMs()
      const steal = measureSteal()
      for (let i = 0; i < RUNS; i++) {
        runs.network.push(await network())
        runs.direct.push(await direct())
        runs.gateway.push(await gateway())
      }
      const stealPercent = steal()
      await probeLoopback()
      const costs = await networkAnswerCosts(tracePath, measuredFromMs)

      const p50 = (xs: StreamTiming[]): number => percentile(xs.map(r => r.firstTokenMs), 50)
      const directTps = tokensPerSecond(runs.direct)
      const networkTps = tokensPerSecond(runs.network)
      const gatewayTps = tokensPerSecond(runs.gateway)
      const sameAnswer = [...runs.network, ...runs.gateway, ...runs.direct].every(r => r.text === runs.direct[0].text)
      const meanMs = (xs: StreamTiming[]): number => xs.reduce((sum, r) => sum + r.totalMs, 0) / xs.length
      const directMs = meanMs(runs.direct)
      const networkMs = meanMs(runs.network)
      const engineGapMs = costs == null ? undefined : costs.engineMeanMs - directMs
      return {
        model: BUILTIN_MODEL_ID,
        runs: RUNS,
        maxTokens: MAX_TOKENS,
        tokensPerAnswer: runs.direct[0].tokens,
        sameAnswer: sameAnswer ? 'yes' : 'no',
        directTokensPerSecond: round(directTps, 1),
        networkTokensPerSecond: round(networkTps, 1),
        gatewayTokensPerSecond: round(gatewayTps, 1),
        networkToDirectTokensPerSecondRatio: round(networkTps / directTps, 3),
        // Equal answers, so the ratio is mean direct answer / mean network answer.
        networkToDirectRatioStdError: round(ratioOfMeansStdError(runs.direct.map(r => r.totalMs), runs.network.map(r => r.totalMs)), 3),
        gatewayToDirectTokensPerSecondRatio: round(gatewayTps / directTps, 3),
        directStreamingTokensPerSecond: round(streamingTokensPerSecond(runs.direct), 1),
        networkStreamingTokensPerSecond: round(streamingTokensPerSecond(runs.network), 1),
        directFirstTokenP50Ms: round(p50(runs.direct), 2),
        networkFirstTokenP50Ms: round(p50(runs.network), 2),
        gatewayFirstTokenP50Ms: round(p50(runs.gateway), 2),
        networkFirstTokenOverheadP50Ms: round(p50(runs.network) - p50(runs.direct), 2),
        loopbackRoundTripP50Ms: round(percentile(loopbackMs, 50), 3),
        libp2pRoundTripP50Ms: round(percentile(libp2pMs, 50), 3),
        cpuStealPercent: stealPercent == null ? 'unknown' : round(stealPercent, 2),
        placement: PLACEMENT != null ? `worker's engine and the direct engine on CPU ${PLACEMENT.engineCpus}, the rest anywhere` : 'unpinned',
        gatewayFirstTokenOverheadP50Ms: round(p50(runs.gateway) - p50(runs.direct), 2),
        directAnswerMeanMs: round(directMs, 2),
        networkAnswerMeanMs: round(networkMs, 2),
        networkToEngineMeanMs: costs == null ? 'unknown' : round(costs.toEngineMeanMs, 2),
        networkEndMeanMs: costs == null ? 'unknown' : round(costs.endMeanMs, 2),
        workerEngineMinusDirectMeanMs: engineGapMs == null ? 'unknown' : round(engineGapMs, 2),
        networkToDirectRatioAtEqualEngines: engineGapMs == null ? 'unknown' : round(directMs / (networkMs - engineGapMs), 3)
      }
    } finally {
      await loopback?.stop()
      await placer?.stop()
      await embedded.stop()
      await engine.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run())
  process.exit(0)
}
