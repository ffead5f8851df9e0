/**
 * The local test network (test/net/harness.ts: devnet, proxy, workers, client gateway, each its own process)
 * that the network and client benchmarks run against. Starting one takes 15-30 s here, so `npm run bench`
 * opens a sharing session and the benches that need a network use the same one; a bench run on its own
 * starts and stops its own.
 */
import { startTestNetwork, type TestNetwork } from '../test/net/harness.js'

/** One worker: the network path is compared with one engine, and the machine has 2 cores. */
const WORKERS = 1

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
    session.net ??= startTestNetwork({ workers: WORKERS })
    return fn(await session.net)
  }
  const net = await startTestNetwork({ workers: WORKERS })
  try {
    return await fn(net)
  } finally {
    await net.close()
  }
}
