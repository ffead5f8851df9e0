/**
 * The local test network (test/net/harness.ts: devnet, proxy, workers, client gateway, each its own process)
 * that the network and client benchmarks run against. Each bench starts its own (5-10 s here): each bench runs
 * in a process of its own (run-one.ts), and a network a bench has used carries its warm streams, known workers
 * and stats into the next.
 */
import { startTestNetwork, type TestNetwork } from '../test/net/harness.js'
import { cpusOf, LIBUV_POOL_THREAD, parseCpuList, threadsOf } from '../node/cpu-affinity.js'
import { BenchChild } from './lib-child.js'

/** One worker: the network path is compared with one engine, and the machine has 2 cores. */
const WORKERS = 1

/**
 * Where the benches run the engines: the worker's engine (`--engine-cpus`: its engine thread and libuv's pool, where
 * node-llama-cpp decodes) on the last CPU, and the engine bench/network.ts runs directly moves to that same CPU for
 * its own runs (its JS thread, this process's main thread, and libuv's pool; the worker idles meanwhile), so both
 * engines compared decode alone on one core, as on hosts of their own, and in both V8's helper threads (GC) run
 * anywhere. Unpinned, the scheduler moves an engine's threads between cores when other processes
 * wake, and each per-token hand-off then wakes an idle core: the same worker decoded 25-40% slower during network
 * runs than alone (bench/README.md). Everything else (devnet, proxy, client, this process's light client) runs
 * anywhere: squeezed onto the other CPU, the first-token path waited on its neighbours. Undefined where pinning is
 * not possible (not Linux, one CPU, no taskset) or turned off (COCOON_BENCH_PIN=0).
 */
export const PLACEMENT: { engineCpus: string, allCpus: string } | undefined = (() => {
  if (process.platform !== 'linux' || process.env.COCOON_BENCH_PIN === '0') return undefined
  let allCpus: string
  try {
    allCpus = cpusOf()
  } catch {
    return undefined // no taskset
  }
  const allowed = parseCpuList(allCpus)
  if (allowed.length < 2) return undefined
  return { engineCpus: String(allowed[allowed.length - 1]), allCpus }
})()

/**
 * Moves an engine run in this process (its JS thread: the main thread; its decode threads: libuv's pool) between
 * CPUs, through a helper process (lib-pinner-child.ts) that runs `taskset` on their thread ids. Not with `taskset`
 * from here: forking this process right before a run (its heap and the model's memory then copy-on-write) made the
 * run's first token 7-9 ms later (12-15 ms against 3.8-6 ms) and its answer up to 40 ms longer, which a worker,
 * pinned once at its start, never pays; the network bench's direct engine paid it on every run until session 17.
 */
export class EnginePlacer {
  private constructor (private readonly child: BenchChild) {}

  static async start (): Promise<EnginePlacer> {
    const child = new BenchChild('lib-pinner-child', [])
    try {
      await child.next('ready', 30_000)
    } catch (err) {
      await child.stop()
      throw err
    }
    return new EnginePlacer(child)
  }

  async place (cpus: string): Promise<void> {
    const tids = [process.pid, ...threadsOf().filter(t => t.name === LIBUV_POOL_THREAD).map(t => t.tid)]
    const answer = await this.child.ask(`pin ${cpus} ${tids.join(',')}`)
    if (typeof answer.error === 'string') throw new Error(`cannot move the engine to CPUs ${cpus}: ${answer.error}`)
  }

  async stop (): Promise<void> {
    await this.child.stop()
  }
}

/** Runs `fn` against a fresh test network, stopped after. */
export async function withTestNetwork<T> (fn: (net: TestNetwork) => Promise<T>): Promise<T> {
  const net = await startTestNetwork({ workers: WORKERS, workerCpus: PLACEMENT?.engineCpus })
  try {
    return await fn(net)
  } finally {
    await net.close()
  }
}
