import { join, resolve } from 'node:path'
import type { Logger } from 'pino'
import { createTonClient } from '../../contracts/index.js'
import { BUILTIN_MODEL_ID } from '../../models/index.js'
import { streamChat, listModels } from '../http/index.js'
import { NodeProcess, type ChildLine } from './child.js'
import { prepareDevTrust } from './dev-trust.js'

export interface NetworkOptions {
  /** Parent of every node's data directory. @default .cocoon */
  dir?: string
  /** @default 2 */
  workers?: number
  /** Where the client gateway listens. @default 127.0.0.1:8080 */
  http?: string
  /** @default 8081 */
  devnetPort?: number
  /** Fixed so the bootstrap address survives restarts. @default 4001 */
  proxyPort?: number
  /** Model each worker serves. @default cocoon-tiny */
  model?: string
  /** Every line any node logs. */
  onLine: (line: ChildLine) => void
  logger: Logger
  /** How long each node may take to start. @default 120 s */
  startTimeoutMs?: number
  /** CPUs for every worker's engine (`cocoon start --engine-cpus`), to give the engines cores of their own. @default any */
  workerCpus?: string
}

export interface LocalNetwork {
  gatewayUrl: string
  proxyAddress: string
  endpoint: string
  registry: string
  processes: NodeProcess[]
  stop: () => Promise<void>
}

/**
 * A whole Cocoon network on this machine, each node its own process with its own data directory under `dir`:
 * a devnet chain, one proxy, N workers on the built-in model with the development TEE, and a client gateway.
 * Started in dependency order; stopped in reverse. A second start reuses every directory, so identities,
 * wallets, registry entries and chain state carry over.
 */
export async function startNetwork (opts: NetworkOptions): Promise<LocalNetwork> {
  const dir = resolve(opts.dir ?? '.cocoon')
  const timeout = opts.startTimeoutMs ?? 120_000
  const processes: NodeProcess[] = []
  const log = opts.logger
  const stop = async (): Promise<void> => {
    for (const p of [...processes].reverse()) await p.stop()
  }
  try {
    const devnetPort = opts.devnetPort ?? 8081
    const devnetDir = join(dir, 'devnet')
    log.info({ port: devnetPort }, 'starting the devnet chain')
    processes.push(new NodeProcess('devnet', ['devnet', '--port', String(devnetPort), '--data', devnetDir], opts.onLine))
    const endpoint = `http://127.0.0.1:${devnetPort}/jsonRPC`
    await waitForChain(endpoint, processes[0], timeout)
    const trust = await prepareDevTrust({ devnetDir, devTeeDir: join(dir, 'dev-tee') })
    log.info({ registry: trust.registry, devRoot: trust.rootHash.slice(0, 16) }, 'registry trusts the development TEE')
    const chainFlags = ['--ton', endpoint, '--registry', trust.registry]

    const proxyPort = opts.proxyPort ?? 4001
    const proxy = new NodeProcess('proxy', ['start', '--role', 'proxy', '--data', join(dir, 'proxy'), '--listen', `/ip4/127.0.0.1/tcp/${proxyPort}`, ...chainFlags], opts.onLine)
    processes.push(proxy)
    const proxyStarted = await proxy.waitFor('started', timeout)
    const proxyAddress = `/ip4/127.0.0.1/tcp/${proxyPort}/p2p/${String(proxyStarted.peerId)}`

    const workers = Array.from({ length: opts.workers ?? 2 }, (_, i) => new NodeProcess(`worker-${i + 1}`, [
      'start', '--role', 'worker', '--data', join(dir, `worker-${i + 1}`), '--bootstrap', proxyAddress,
      '--dev-tee', join(dir, 'dev-tee'), '--model', opts.model ?? BUILTIN_MODEL_ID, ...chainFlags,
      ...(opts.workerCpus != null ? ['--engine-cpus', opts.workerCpus] : [])
    ], opts.onLine))
    processes.push(...workers)
    await Promise.all(workers.map(async w => w.waitFor('started', timeout)))

    const http = opts.http ?? '127.0.0.1:8080'
    const client = new NodeProcess('client', ['start', '--role', 'client', '--data', join(dir, 'client'), '--bootstrap', proxyAddress, '--http', http, ...chainFlags], opts.onLine)
    processes.push(client)
    const clientStarted = await client.waitFor('started', timeout)
    const gatewayUrl = String(clientStarted.gateway ?? `http://${http}`)
    await waitForModels(gatewayUrl, opts.workers ?? 2, timeout)
    return { gatewayUrl, proxyAddress, endpoint, registry: trust.registry, processes, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** Polls the chain until it answers, failing early if the devnet process died. */
async function waitForChain (endpoint: string, devnet: NodeProcess, timeoutMs: number): Promise<void> {
  const client = createTonClient({ endpoint })
  const deadline = Date.now() + timeoutMs
  let exited = false
  void devnet.exited.then(() => { exited = true })
  while (true) {
    if (exited) throw new Error('the devnet exited during start (see its log above; is the port in use?)')
    try {
      await client.getMasterchainInfo()
      return
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`the devnet at ${endpoint} did not answer within ${timeoutMs} ms: ${(err as Error).message}`)
      await new Promise(resolve => setTimeout(resolve, 200))
    }
  }
}

/** Polls the gateway until the network lists the model with every worker admitted. */
async function waitForModels (url: string, workers: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (true) {
    try {
      const models = await listModels({ url, signal: AbortSignal.timeout(5000) })
      if (models.some(m => (m.workers ?? 0) >= workers)) return
    } catch {}
    if (Date.now() > deadline) throw new Error(`the gateway at ${url} did not list ${workers} worker(s) within ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 300))
  }
}

/** Sends one prompt through the gateway and returns the streamed answer (the launcher's self-check). */
export async function samplePrompt (url: string, model = BUILTIN_MODEL_ID, onToken?: (t: string) => void): Promise<string> {
  let text = ''
  for await (const t of streamChat({ url, model, messages: [{ role: 'user', content: 'Say hello to the Cocoon network.' }], maxTokens: 24 })) {
    text += t
    onToken?.(t)
  }
  return text
}
