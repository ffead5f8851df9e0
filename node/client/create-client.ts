import { generateKeyPair, privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import type { Logger } from 'pino'
import { CocoonError } from '../../protocols/common/errors.js'
import type { BackendModel, ChatMessage } from '../http/backend.js'
import { buildLibp2p, type CocoonLibp2p } from '../libp2p.js'
import { silentLogger } from '../logging.js'
import { attestationCacheFor, offerVerifier } from '../roles/registry-trust.js'
import { BootstrapKeeper } from '../bootstrap-keeper.js'
import { traceFromEnv } from '../trace-file.js'
import { LightClient, type ClientEventMap } from './light-client.js'

export interface CreateClientOptions {
  /** Multiaddrs of peers to join through (`/ip4/.../tcp/.../p2p/<peerId>`); at least one. */
  bootstrap: string[]
  /** TON JSON-RPC endpoint (toncenter v2 API; `cocoon devnet` serves one). */
  ton: string
  tonApiKey?: string
  /** Address of the Cocoon registry contract: the only source of trust in workers. */
  registry: string
  /** Reserved for payments: the wallet that will pay for jobs. Not used yet (jobs are not billed). */
  wallet?: unknown
  /** A libp2p identity to reuse (protobuf bytes or a key); a fresh one per client otherwise. */
  identity?: Uint8Array | PrivateKey
  /** Wait at most this long for a proxy in `createClient`. @default 30 s */
  readyTimeoutMs?: number
  logger?: Logger
}

export interface ChatOptions {
  model: string
  messages: ChatMessage[]
  maxTokens?: number
  temperature?: number
  topP?: number
  seed?: number
  stop?: string[]
  signal?: AbortSignal
}

export interface ChatResult {
  finishReason: 'stop' | 'length'
  usage: { promptTokens: number, completionTokens: number }
  /** What the job cost at the worker's price, nanoTON. */
  costNano: bigint
}

/** An answer being streamed: iterate for text; `result` resolves once it has ended. */
export interface ChatStream extends AsyncIterable<string> {
  readonly result: Promise<ChatResult>
}

/**
 * An embedded Cocoon light client: a libp2p node in DHT client mode (no listening port) that finds proxies,
 * verifies workers against the TON registry and runs sealed jobs.
 */
export class CocoonClient {
  readonly libp2p: CocoonLibp2p
  private readonly light: LightClient
  private readonly keeper: BootstrapKeeper

  constructor (libp2p: CocoonLibp2p, light: LightClient, keeper: BootstrapKeeper) {
    this.libp2p = libp2p
    this.light = light
    this.keeper = keeper
  }

  /** Streams an answer. The text can only be read once; `result` has usage and cost. */
  chat (opts: ChatOptions): ChatStream {
    const signal = opts.signal ?? new AbortController().signal
    const events = this.light.chat({ model: opts.model, messages: opts.messages, maxTokens: opts.maxTokens, temperature: opts.temperature, topP: opts.topP, seed: opts.seed, stop: opts.stop }, signal)
    let settle!: { resolve: (r: ChatResult) => void, reject: (e: unknown) => void }
    const result = new Promise<ChatResult>((resolve, reject) => { settle = { resolve, reject } })
    result.catch(() => {}) // surfaced through iteration; `result` rejects too for callers that await it
    let started = false
    return {
      result,
      async * [Symbol.asyncIterator] () {
        if (started) throw new CocoonError('BAD_REQUEST', 'a chat stream can be read once')
        started = true
        try {
          for await (const ev of events) {
            if (ev.type === 'token') yield ev.text
            else settle.resolve({ finishReason: ev.finishReason, usage: ev.usage, costNano: BigInt(ev.cost?.amountNano ?? '0') })
          }
        } catch (err) {
          settle.reject(err)
          throw err
        }
      }
    }
  }

  /** The client as the HTTP gateway's `ChatBackend` (event-level stream: tokens, then usage and cost). */
  get backend (): LightClient {
    return this.light
  }

  /** Models available in the network right now, from a proxy's capacity table. */
  async models (): Promise<BackendModel[]> {
    return this.light.models()
  }

  addEventListener<K extends keyof ClientEventMap> (type: K, listener: (evt: ClientEventMap[K]) => void): void {
    this.light.addEventListener(type, listener as EventListener)
  }

  removeEventListener<K extends keyof ClientEventMap> (type: K, listener: (evt: ClientEventMap[K]) => void): void {
    this.light.removeEventListener(type, listener as EventListener)
  }

  async stop (): Promise<void> {
    this.keeper.stop()
    this.light.stop()
    await this.libp2p.stop()
  }
}

/** Starts a light client and resolves once it knows a proxy (or throws NO_CAPACITY after `readyTimeoutMs`). */
export async function createClient (opts: CreateClientOptions): Promise<CocoonClient> {
  if (opts.bootstrap.length === 0) throw new CocoonError('BAD_REQUEST', 'createClient needs at least one bootstrap address')
  traceFromEnv()
  const logger = opts.logger ?? silentLogger
  const privateKey = opts.identity == null
    ? await generateKeyPair('Ed25519')
    : opts.identity instanceof Uint8Array ? privateKeyFromProtobuf(opts.identity) : opts.identity
  const libp2p = await buildLibp2p({ role: 'client', privateKey, listen: [], bootstrap: opts.bootstrap })
  await libp2p.start()
  const keeper = new BootstrapKeeper(libp2p, opts.bootstrap)
  keeper.start()
  try {
    const cache = attestationCacheFor({ endpoint: opts.ton, apiKey: opts.tonApiKey, registry: opts.registry }, logger)
    const light = new LightClient({ libp2p, verify: offerVerifier(cache), logger, readyTimeoutMs: opts.readyTimeoutMs })
    await light.ready()
    return new CocoonClient(libp2p, light, keeper)
  } catch (err) {
    keeper.stop()
    await libp2p.stop()
    throw err
  }
}
