/**
 * Issue 7: what a light client costs, and what the HTTP gateway adds over the library.
 *
 * - Cold start: PROBES times, a fresh process (lib-client-probe.ts) builds what `createClient()` amounts to
 *   (libp2p in DHT client mode bootstrapped to the test network's proxy, LightClient, registry-backed offer
 *   verification) and waits for `ready()`. readyMs is from that call to ready; importMs, loading the code
 *   before it, is reported apart. RSS: the bare Node process, after loading the code, and the child's VmRSS
 *   after ready and after one short job.
 * - Gateway overhead: first token of the same short request through LightClient.chat in this process and
 *   through the client process's OpenAI gateway (HTTP + SSE, via its own LightClient), alternating.
 */
import { BenchChild } from './lib-child.js'
import { startLightClient } from './lib-light-client.js'
import { median, percentile, round, rssMiBOf, sleep } from './lib-stats.js'
import { withTestNetwork } from './lib-test-network.js'
import { timeDeltas, timeEvents } from './lib-timing.js'
import { streamChat } from '../node/http/sse-client.js'

const PROBES = 3
const FIRST_TOKEN_SAMPLES = 12
const MESSAGES = [{ role: 'user' as const, content: 'Hello through the gateway' }]
const MAX_TOKENS = 8

interface Probe { importMs: number, readyMs: number, bareRssMiB: number, importedRssMiB: number, rssReadyMiB: number, rssAfterJobMiB: number, jobFirstTokenMs: number }

async function probe (bootstrap: string, endpoint: string, registry: string): Promise<Probe> {
  const child = new BenchChild('lib-client-probe', [bootstrap, endpoint, registry])
  try {
    const ready = await child.next('ready', 60_000)
    // Settle for a moment: ready() returns mid-flight of identify and DHT bookkeeping.
    await sleep(500)
    const rssReadyMiB = await rssMiBOf(child.pid)
    const job = await child.ask('job', 60_000)
    if (job.error != null) throw new Error(`probe job failed: ${String(job.error)}`)
    const rssAfterJobMiB = await rssMiBOf(child.pid)
    return {
      importMs: Number(ready.importMs),
      readyMs: Number(ready.readyMs),
      bareRssMiB: Number(ready.bareRssMiB),
      importedRssMiB: Number(ready.importedRssMiB),
      rssReadyMiB,
      rssAfterJobMiB,
      jobFirstTokenMs: Number(job.firstTokenMs)
    }
  } finally {
    await child.stop()
  }
}

export async function run (): Promise<Record<string, number | string>> {
  return withTestNetwork(async (net) => {
    const probes: Probe[] = []
    for (let i = 0; i < PROBES; i++) probes.push(await probe(net.proxyAddress, net.endpoint, net.registry))

    const embedded = await startLightClient(net.proxyAddress, net)
    try {
      await embedded.client.ready()
      const library = async (): Promise<number> => (await timeEvents(() => embedded.client.chat({ model: 'cocoon-tiny', messages: MESSAGES, maxTokens: MAX_TOKENS }, new AbortController().signal))).firstTokenMs
      const gateway = async (): Promise<number> => (await timeDeltas(() => streamChat({ url: net.gatewayUrl, model: 'cocoon-tiny', messages: MESSAGES, maxTokens: MAX_TOKENS }))).firstTokenMs
      for (let i = 0; i < 3; i++) { await library(); await gateway() }
      const lib: number[] = []
      const gw: number[] = []
      for (let i = 0; i < FIRST_TOKEN_SAMPLES; i++) {
        lib.push(await library())
        gw.push(await gateway())
      }
      const m = (f: (p: Probe) => number): number => median(probes.map(f))
      return {
        probes: PROBES,
        importMs: round(m(p => p.importMs), 1),
        createToReadyP50Ms: round(m(p => p.readyMs), 1),
        createToReadyMaxMs: round(Math.max(...probes.map(p => p.readyMs)), 1),
        bareNodeRssMiB: round(m(p => p.bareRssMiB), 1),
        clientRssAfterImportMiB: round(m(p => p.importedRssMiB), 1),
        clientRssReadyMiB: round(m(p => p.rssReadyMiB), 1),
        clientRssAfterJobMiB: round(m(p => p.rssAfterJobMiB), 1),
        coldClientFirstJobFirstTokenMs: round(m(p => p.jobFirstTokenMs), 1),
        firstTokenSamples: FIRST_TOKEN_SAMPLES,
        libraryFirstTokenP50Ms: round(percentile(lib, 50), 2),
        gatewayFirstTokenP50Ms: round(percentile(gw, 50), 2),
        gatewayFirstTokenOverheadP50Ms: round(percentile(gw, 50) - percentile(lib, 50), 2)
      }
    } finally {
      await embedded.stop()
    }
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run())
  process.exit(0)
}
