import type { PeerId, PeerInfo } from '@libp2p/interface'
import { randomBytes } from '@noble/hashes/utils.js'
import type { Logger } from 'pino'
import { CocoonError, toCocoonError } from '../../protocols/common/errors.js'
// The modules themselves, not the package roots: those also load the proxy, worker and provider services.
import { findProxies } from '../../protocols/discovery/lookup.js'
import { listModels, runJob, type OfferVerifier } from '../../protocols/job/client-job.js'
import { JOB_PROTOCOL, REQUEST_TIMEOUT_MS } from '../../protocols/job/constants.js'
import { KnownWorkers } from '../../protocols/job/known-workers.js'
import { WarmStreams } from '../../protocols/common/warm-streams.js'
import { StartingJobs } from '../../protocols/common/quiet.js'
import type { BackendModel, ChatBackend, ChatEvent, ChatRequest } from '../http/backend.js'
import type { CocoonLibp2p } from '../libp2p.js'
import { silentLogger } from '../logging.js'

/** Typed events an embedding app can watch. */
export interface ClientEventMap {
  'proxy:found': CustomEvent<{ proxies: string[] }>
  /** presealed: sent with the route to a worker offered before, skipping the offer round trip. */
  'job:offer': CustomEvent<{ worker: string, attempt: number, proxy: string, presealed: boolean }>
  'job:done': CustomEvent<{ worker: string, proxy: string, promptTokens: number, completionTokens: number, costNano: bigint }>
  'job:error': CustomEvent<{ code: string, message: string }>
}

export interface LightClientInit {
  libp2p: CocoonLibp2p
  verify: OfferVerifier
  logger?: Logger
  /** Default max tokens when a request names none. @default 256 */
  defaultMaxTokens?: number
  /** How long `ready()` waits for a proxy. @default 30 s */
  readyTimeoutMs?: number
}

const PROXY_REFRESH_MS = 30_000

/**
 * The client half of Cocoon over a libp2p node in DHT client mode: finds proxies in the DHT, runs jobs sealed to
 * verified workers, and retries through another proxy when one dies. It is the `ChatBackend` of the HTTP gateway.
 */
export class LightClient extends EventTarget implements ChatBackend {
  private readonly libp2p: CocoonLibp2p
  private readonly verify: OfferVerifier
  private readonly log: Logger
  private readonly defaultMaxTokens: number
  private readonly readyTimeoutMs: number
  private proxies: PeerId[] = []
  private lastLookup = 0
  private lookup?: Promise<PeerId[]>
  private readonly jobStreams: WarmStreams
  /** Workers proxies offered lately: later jobs go to them pre-sealed, one round trip sooner. */
  private readonly known = new KnownWorkers()
  /** Jobs that have not had their first token yet. */
  private readonly starting = new StartingJobs()

  constructor (init: LightClientInit) {
    super()
    this.libp2p = init.libp2p
    this.verify = init.verify
    this.log = init.logger ?? silentLogger
    this.defaultMaxTokens = init.defaultMaxTokens ?? 256
    this.readyTimeoutMs = init.readyTimeoutMs ?? 30_000
    this.jobStreams = new WarmStreams({
      protocol: JOB_PROTOCOL,
      dial: async (peer, protocol, options) => await this.libp2p.dialProtocol(peer, protocol, options),
      // the proxy waits REQUEST_TIMEOUT_MS for the first frame on a new stream
      maxIdleMs: REQUEST_TIMEOUT_MS / 2,
      jobStarting: this.starting.any
    })
  }

  /**
   * Resolves once at least one proxy is known (looked up in the DHT, retrying), or throws NO_CAPACITY. It returns at
   * the first proxy the lookup meets; the rest of the lookup goes on and adds the others as they are found.
   */
  async ready (signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + this.readyTimeoutMs
    while (true) {
      if (this.proxies.length > 0) return
      const first = new AbortController()
      const lookup = this.findProxies(true).catch(() => [])
      await Promise.race([lookup, new Promise(resolve => { this.addEventListener('proxy:found', resolve, { once: true, signal: first.signal }) })])
      first.abort()
      if (this.proxies.length > 0) return
      await lookup
      if (this.proxies.length > 0) return
      if (signal?.aborted === true) throw new CocoonError('CANCELLED', 'cancelled')
      if (Date.now() > deadline) throw new CocoonError('NO_CAPACITY', `no proxy found in the DHT within ${this.readyTimeoutMs} ms`)
      await new Promise(resolve => setTimeout(resolve, 250))
    }
  }

  /** Proxies providing `/cocoon/proxy`, cached for a while. */
  async findProxies (refresh = false): Promise<PeerId[]> {
    if (!refresh && this.proxies.length > 0 && Date.now() - this.lastLookup < PROXY_REFRESH_MS) return this.proxies
    this.lookup ??= (async () => {
      const seen: PeerId[] = []
      // Each proxy's addresses reach the peer store before the proxy is offered to a job that will dial it.
      let admitted = Promise.resolve()
      const admit = async (p: PeerInfo): Promise<void> => {
        if (p.multiaddrs.length > 0) await this.libp2p.peerStore.merge(p.id, { multiaddrs: p.multiaddrs }).catch(() => {})
        seen.push(p.id)
        // Proxies known from an earlier lookup stay in use until this one has found its first.
        this.proxies = [...seen]
        this.lastLookup = Date.now()
        this.dispatchEvent(new CustomEvent('proxy:found', { detail: { proxies: this.proxies.map(String) } }))
      }
      try {
        await findProxies(this.libp2p.contentRouting, {
          self: this.libp2p.peerId,
          timeoutMs: 5000,
          onProvider: (p) => { admitted = admitted.then(async () => { await admit(p) }) }
        })
        await admitted
        return this.proxies
      } finally {
        this.lookup = undefined
      }
    })()
    return this.lookup
  }

  async models (): Promise<BackendModel[]> {
    let lastError: unknown
    for (const proxy of await this.findProxies()) {
      try {
        const models = await listModels({ dialProtocol: this.dial, proxy })
        return models.map(m => ({
          id: m.id,
          sha256: Buffer.from(m.sha256).toString('hex'),
          workers: m.workers,
          contextLength: m.contextLength,
          priceNanoPerToken: m.minPriceNanoPerToken.toString()
        }))
      } catch (err) {
        lastError = err
        this.forget(proxy)
      }
    }
    throw lastError != null ? toCocoonError(lastError, 'NO_CAPACITY') : new CocoonError('NO_CAPACITY', 'no proxy known')
  }

  /**
   * Streams one answer. A random seed is fixed up front (unless given) so that any failover, to another worker or
   * through another proxy, replays the same answer and only new text reaches the caller.
   */
  async * chat (req: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatEvent> {
    const seed = req.seed ?? (new DataView(randomBytes(4).buffer).getUint32(0) >>> 1)
    const tried = new Set<string>()
    let delivered = ''
    // Until its first token, this job holds the client's background work (common/quiet.ts).
    const started = this.starting.begin()
    try {
      yield * this.attempts(req, signal, seed, tried, () => delivered, (text) => { started(); delivered += text })
    } finally {
      started()
    }
  }

  /** The job through one proxy after another until one answers or none is left. */
  private async * attempts (req: ChatRequest, signal: AbortSignal, seed: number, tried: Set<string>, delivered: () => string, deliver: (text: string) => void): AsyncGenerator<ChatEvent> {
    while (true) {
      const proxy = (await this.findProxies()).find(p => !tried.has(p.toString())) ?? (await this.findProxies(true)).find(p => !tried.has(p.toString()))
      if (proxy == null) throw new CocoonError('NO_CAPACITY', tried.size === 0 ? 'no proxy found in the network' : `all ${tried.size} proxies failed`)
      tried.add(proxy.toString())
      try {
        for await (const ev of runJob({
          model: req.model,
          messages: req.messages,
          prompt: req.prompt,
          maxTokens: req.maxTokens ?? this.defaultMaxTokens,
          temperature: req.temperature,
          topP: req.topP,
          seed,
          stop: req.stop
        }, { dialProtocol: this.dial, proxy, verify: this.verify, signal, resumeFrom: delivered(), known: this.known })) {
          if (ev.type === 'offer') {
            this.dispatchEvent(new CustomEvent('job:offer', { detail: { worker: ev.worker, attempt: ev.attempt, proxy: proxy.toString(), presealed: ev.presealed } }))
          } else if (ev.type === 'token') {
            deliver(ev.text)
            yield ev
          } else {
            const costNano = ev.priceNanoPerToken * BigInt(ev.usage.completionTokens)
            this.dispatchEvent(new CustomEvent('job:done', { detail: { worker: ev.worker, proxy: proxy.toString(), promptTokens: ev.usage.promptTokens, completionTokens: ev.usage.completionTokens, costNano } }))
            yield {
              type: 'done',
              finishReason: ev.finishReason === 'length' ? 'length' : 'stop',
              usage: { promptTokens: ev.usage.promptTokens, completionTokens: ev.usage.completionTokens },
              cost: { amountNano: costNano.toString() }
            }
            return
          }
        }
        throw new CocoonError('WORKER_LOST', 'job ended without a result')
      } catch (err) {
        const e = toCocoonError(err)
        const proxyGone = e.data?.proxyUnreachable === true || e.data?.proxyLost === true
        if (proxyGone && !signal.aborted) {
          this.log.warn({ proxy: proxy.toString(), err: e.message }, 'proxy failed; retrying through another')
          this.forget(proxy)
          continue
        }
        this.dispatchEvent(new CustomEvent('job:error', { detail: { code: e.code, message: e.message } }))
        throw e
      }
    }
  }

  /** Job streams to proxies come warm from the pool: a job does not wait for a stream to open. */
  private readonly dial = async (peer: PeerId, protocol: string, options?: { signal?: AbortSignal }) => {
    if (protocol === JOB_PROTOCOL) {
      // The deadline is only made when no warm stream is ready (warm-streams.ts).
      const jobSignal = options?.signal
      return this.jobStreams.take(peer, () => jobSignal == null ? AbortSignal.timeout(REQUEST_TIMEOUT_MS) : AbortSignal.any([jobSignal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]))
    }
    return this.libp2p.dialProtocol(peer, protocol, options)
  }

  private forget (proxy: PeerId): void {
    this.proxies = this.proxies.filter(p => !p.equals(proxy))
    this.jobStreams.forget(proxy)
  }

  /** Closes the idle streams this client keeps open. */
  stop (): void {
    this.jobStreams.stop()
  }
}
