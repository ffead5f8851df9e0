/**
 * A light client started cold in its own process, for bench/client.ts: how long from "create the client" to
 * ready (a proxy found through the bootstrap peer and the DHT), and what the process holds in memory.
 *
 * Usage: node lib-client-probe.js BOOTSTRAP_MULTIADDR TON_ENDPOINT REGISTRY. Prints
 * {"event":"ready","importMs","readyMs","bareRssMiB","importedRssMiB"}; on the stdin line `job` runs one short streamed
 * answer and prints {"event":"job","firstTokenMs","totalMs"}; exits when stdin closes.
 */
import { createInterface } from 'node:readline'

async function main (): Promise<void> {
  const [bootstrap, endpoint, registry] = process.argv.slice(2)
  if (registry == null) throw new Error('usage: lib-client-probe BOOTSTRAP TON_ENDPOINT REGISTRY')
  const bareRssMiB = process.memoryUsage.rss() / 2 ** 20
  const tImport = performance.now()
  const { startLightClient } = await import('./lib-light-client.js')
  const importMs = performance.now() - tImport
  const importedRssMiB = process.memoryUsage.rss() / 2 ** 20

  const t0 = performance.now()
  const embedded = await startLightClient(bootstrap, { endpoint, registry })
  await embedded.client.ready()
  const readyMs = performance.now() - t0

  const reply = (event: string, data: Record<string, unknown>): void => { process.stdout.write(`${JSON.stringify({ event, ...data })}\n`) }
  createInterface({ input: process.stdin })
    .on('line', line => {
      if (line.trim() !== 'job') return
      void (async () => {
        const t = performance.now()
        let first = -1
        for await (const ev of embedded.client.chat({ model: 'cocoon-tiny', messages: [{ role: 'user', content: 'Hello from a light client' }], maxTokens: 16 }, new AbortController().signal)) {
          if (ev.type === 'token' && first < 0) first = performance.now() - t
        }
        reply('job', { firstTokenMs: first, totalMs: performance.now() - t })
      })().catch(err => reply('job', { error: (err as Error).message }))
    })
    .on('close', () => { void embedded.stop().finally(() => process.exit(0)) })
  reply('ready', { importMs, readyMs, bareRssMiB, importedRssMiB })
}

main().catch(err => {
  process.stderr.write(`client probe failed: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
