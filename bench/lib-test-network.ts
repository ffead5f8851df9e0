/**
 * The local test network (test/net/harness.ts: devnet, proxy, workers, client gateway, each its own process)
 * that the network and client benchmarks run against. Starting one takes 15-30 s here, so `npm run bench`
 * opens a sharing session and the benches that need a network use the same one; a bench run on its own
 * starts and stops its own.
 */
import { startTestNetwork, type TestNetwork } from '../test/net/harness.js'
import { cpusOf, parseCpuList } from '../node/cpu-affinity.js'

/** One worker: the network path is compared with one engine, and the machine has 2 cores. */
const WORKERS = 1

/**
 * Where the benches run each process, as if on hosts of their own: the worker on the last CPU, alone; the devnet,
 * proxy and client processes on the others. The engine this process runs directly (bench/network.ts) moves to that
 * last CPU for its own runs, while the worker idles, so both engines compared decode alone on the same core and
 * neither pays for the scheduler moving its threads between cores when other processes wake (bench/README.md:
 * unpinned, the worker decoded 25-40% slower during network runs than alone). Undefined where pinning is not
 * possible (not Linux, one CPU, no taskset) or turned off (COCOON_BENCH_PIN=0): everything then runs anywhere.
 */
export const PLACEMENT: { engineCpus: string, otherCpus: string, allCpus: string } | undefined = (() => {
  if (process.platform !== 'linux' || process.env.COCOON_BENCH_PIN === '0') return undefined
  let allCpus: string
  try {
    allCpus = cpusOf()
  } catch {
    return undefined // no taskset
  }
  const allowed = parseCpuList(allCpus)
  if (allowed.length < 2) return undefined
  return { engineCpus: String(allowed[allowed.length - 1]), otherCpus: allowed.slice(0, -1).join(','), allCpus }
})()

let session: { net?: Promise<TestNetwork> } | undefined

/** From now until `endNetworkSharing()`, benches share one test network. */
export function beginNetworkSharing (): void {
  session ??= {}
}

export async function endNetworkSharing (): Promise<void> {
  const s = session
  session = undefined
  if (s?.net != null) await (await s.net.catch(() => undefined))?.close()
}

export async function withTestNetwork<T> (fn: (net: TestNetwork) => Promise<T>): Promise<T> {
  if (session != null) {
    session.net ??= startTestNetwork({ workers: WORKERS, workerCpus: PLACEMENT?.engineCpus, nodeCpus: PLACEMENT?.otherCpus })
    return fn(await session.net)
  }
  const net = await startTestNetwork({ workers: WORKERS, workerCpus: PLACEMENT?.engineCpus, nodeCpus: PLACEMENT?.otherCpus })
  try {
    return await fn(net)
  } finally {
    await net.close()
  }
}
