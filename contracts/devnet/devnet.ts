import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Address } from '@ton/core'
import type { SandboxContract, TreasuryContract } from '@ton/sandbox'
import { mnemonicNew } from '@ton/crypto'
import { pino, type Logger } from 'pino'
import {
  DEVNET_ADMIN_FUNDING, DEVNET_HOST, DEVNET_PORT, DEVNET_REGISTRY_PARAMS, DEVNET_RPC_PATH, REGISTRY_DEPLOY_VALUE
} from '../constants.js'
import { walletFromMnemonic } from '../chain/wallet.js'
import { DevnetRequestError } from '../errors.js'
import { Registry } from '../wrappers/Registry.js'
import { ChainStore, writeFileAtomic } from './chain-store.js'
import { createRpcHandlers, faucetSend, type RpcHandler } from './rpc.js'

export const DEVNET_INFO_FILE = 'devnet.json'
const FAUCET_SEED = 'cocoon-devnet-faucet'
const MAX_BODY_BYTES = 4 * 1024 * 1024

export interface DevnetOptions {
  /** @default '127.0.0.1' */
  host?: string
  /** 0 picks a free port. @default 8081 */
  port?: number
  dataDir: string
  logger?: Logger
}

/** What `<dataDir>/devnet.json` holds, for other local processes (e.g. `cocoon network`). */
export interface DevnetInfo {
  url: string
  registryAddress: string
  adminAddress: string
  adminMnemonic: string[]
}

export interface Devnet extends DevnetInfo {
  stop: () => Promise<void>
}

export async function readDevnetInfo (dataDir: string): Promise<DevnetInfo | null> {
  try {
    return JSON.parse(await readFile(join(dataDir, DEVNET_INFO_FILE), 'utf8')) as DevnetInfo
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

/** First start: an admin wallet funded by the faucet, and the registry deployed with devnet parameters. */
async function bootstrap (store: ChainStore, faucet: SandboxContract<TreasuryContract>, log: Logger): Promise<{ registry: Address, adminAddress: Address, adminMnemonic: string[] }> {
  const adminMnemonic = await mnemonicNew()
  const admin = await walletFromMnemonic(adminMnemonic)
  const registry = Registry.createFromConfig({ admin: admin.address, params: DEVNET_REGISTRY_PARAMS })
  await faucetSend(store, faucet, { to: admin.address, value: DEVNET_ADMIN_FUNDING, bounce: false })
  await faucetSend(store, faucet, { to: registry.address, value: REGISTRY_DEPLOY_VALUE, init: registry.init, bounce: false })
  const state = (await store.sandbox.getContract(registry.address)).accountState
  if (state?.type !== 'active') throw new Error('devnet: registry deployment failed')
  log.info({ registry: registry.address.toString(), admin: admin.address.toString() }, 'devnet: registry deployed')
  return { registry: registry.address, adminAddress: admin.address, adminMnemonic }
}

function readBody (req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY_BYTES) { reject(new DevnetRequestError('request too large')); req.destroy(); return }
      chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function reply (res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

/**
 * Starts the emulator as a local chain behind the toncenter v2 JSON-RPC subset TonClient uses,
 * at `http://HOST:PORT/jsonRPC` (also `/`). Restores `<dataDir>/chain.json` when present;
 * otherwise deploys the registry. Writes `<dataDir>/devnet.json`.
 */
export async function startDevnet (options: DevnetOptions): Promise<Devnet> {
  const log = options.logger ?? pino({ level: 'silent' })
  const host = options.host ?? DEVNET_HOST
  const { store, restored } = await ChainStore.open(options.dataDir, log)
  const previous = restored ? await readDevnetInfo(options.dataDir) : null

  const faucet = await store.run(async () => await store.sandbox.treasury(FAUCET_SEED))
  let registryAddress: string
  let adminAddress: string
  let adminMnemonic: string[]
  if (previous != null) {
    ({ registryAddress, adminAddress, adminMnemonic } = previous)
  } else {
    const boot = await store.run(async () => await bootstrap(store, faucet, log))
    registryAddress = boot.registry.toString()
    adminAddress = boot.adminAddress.toString()
    adminMnemonic = boot.adminMnemonic
  }

  const handlers: Record<string, RpcHandler> = createRpcHandlers({ store, faucet })
  // No request is answered before devnet.json is on disk: a process that sees the chain answer can read it.
  let markReady!: () => void
  const ready = new Promise<void>(resolve => { markReady = resolve })
  const server: Server = createServer((req, res) => {
    void ready.then(async () => { await handle(req, res) })
  })

  async function handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method !== 'POST' || (path !== '/' && path !== DEVNET_RPC_PATH && path !== '/api/v2/jsonRPC')) {
      reply(res, 404, { ok: false, error: `POST JSON-RPC to ${DEVNET_RPC_PATH}`, code: 404 })
      return
    }
    let id: unknown = null
    try {
      const request = JSON.parse(await readBody(req)) as { id?: unknown, method?: unknown, params?: unknown }
      id = request.id ?? null
      const handler = typeof request.method === 'string' && Object.hasOwn(handlers, request.method) ? handlers[request.method] : undefined
      if (handler == null) {
        reply(res, 404, { ok: false, error: `unknown method ${String(request.method)}`, code: 404, id, jsonrpc: '2.0' })
        return
      }
      const params = (request.params ?? {}) as Record<string, unknown>
      const result = await store.run(async () => await handler(params))
      reply(res, 200, { ok: true, result, id, jsonrpc: '2.0' })
    } catch (err) {
      const bad = err instanceof SyntaxError || (err as { name?: string }).name === 'DevnetRequestError'
      log.debug({ err }, 'devnet: request failed')
      reply(res, bad ? 400 : 500, { ok: false, error: (err as Error).message, code: bad ? 400 : 500, id, jsonrpc: '2.0' })
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? DEVNET_PORT, host, () => { server.off('error', reject); resolve() })
  })
  const port = (server.address() as AddressInfo).port
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}${DEVNET_RPC_PATH}`
  const info: DevnetInfo = { url, registryAddress, adminAddress, adminMnemonic }
  await writeFileAtomic(join(options.dataDir, DEVNET_INFO_FILE), JSON.stringify(info, null, 2) + '\n')
  markReady()
  log.info({ url, registry: registryAddress, restored }, 'devnet: listening')

  let stopped: Promise<void> | undefined
  return {
    ...info,
    stop: async () => {
      stopped ??= (async () => {
        await new Promise<void>(resolve => { server.close(() => resolve()); server.closeAllConnections() })
        await store.run(async () => await store.persist())
      })()
      await stopped
    }
  }
}
