import type { ContentRouting, Startable, TypedEventTarget, Libp2pEvents } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import type { Logger } from 'pino'
import { PROVIDE_DEBOUNCE_MS, PROVIDE_TIMEOUT_MS, REPROVIDE_INTERVAL_MS } from './constants.js'
import { silentLogger } from '../common/silent-logger.js'

export interface ProviderComponents {
  contentRouting: ContentRouting
  events: TypedEventTarget<Libp2pEvents>
  /** How many peers we are connected to now; a provide made with none reached nobody. */
  connectedPeers: () => number
}

export interface ProviderInit {
  /** @default REPROVIDE_INTERVAL_MS */
  reprovideIntervalMs?: number
  logger?: Logger
}

/**
 * Keeps a set of keys provided in the DHT: provides them at start, again soon after new connections while an
 * earlier round reached nobody, and every `reprovideIntervalMs` so records never lapse.
 */
export class KeyProvider implements Startable {
  private readonly keys = new Map<string, CID>()
  private readonly components: ProviderComponents
  private readonly interval: number
  private readonly log: Logger
  private timer?: ReturnType<typeof setInterval>
  private debounce?: ReturnType<typeof setTimeout>
  private running = false
  private reachedPeers = false
  private inFlight?: Promise<void>
  private readonly controller = new AbortController()

  constructor (components: ProviderComponents, init: ProviderInit = {}) {
    this.components = components
    this.interval = init.reprovideIntervalMs ?? REPROVIDE_INTERVAL_MS
    this.log = init.logger ?? silentLogger
  }

  private readonly onConnect = (): void => {
    if (this.reachedPeers || !this.running) return
    clearTimeout(this.debounce)
    this.debounce = setTimeout(() => { void this.provideAll() }, PROVIDE_DEBOUNCE_MS)
  }

  async start (): Promise<void> {
    this.running = true
    this.components.events.addEventListener('peer:connect', this.onConnect)
    this.timer = setInterval(() => { void this.provideAll() }, this.interval)
    this.timer.unref?.()
    void this.provideAll()
  }

  async stop (): Promise<void> {
    this.running = false
    this.components.events.removeEventListener('peer:connect', this.onConnect)
    clearInterval(this.timer)
    clearTimeout(this.debounce)
    this.controller.abort()
    await this.inFlight?.catch(() => {})
  }

  /** Adds a key (e.g. a model a worker just loaded) and provides it at once. */
  add (name: string, key: CID): void {
    this.keys.set(name, key)
    if (this.running) void this.provideOne(name, key)
  }

  remove (name: string): void {
    this.keys.delete(name)
  }

  names (): string[] {
    return [...this.keys.keys()]
  }

  /** One round over every key; rounds never overlap. */
  async provideAll (): Promise<void> {
    if (this.inFlight != null) return this.inFlight
    this.inFlight = (async () => {
      for (const [name, key] of this.keys) {
        if (!this.running) return
        await this.provideOne(name, key)
      }
    })().finally(() => { this.inFlight = undefined })
    return this.inFlight
  }

  private async provideOne (name: string, key: CID): Promise<void> {
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(PROVIDE_TIMEOUT_MS)])
    const peers = this.components.connectedPeers()
    try {
      await this.components.contentRouting.provide(key, { signal })
      if (peers > 0) this.reachedPeers = true
      this.log.debug({ key: name, peers }, 'provided')
    } catch (err) {
      if (this.running) this.log.debug({ key: name, err: (err as Error).message }, 'provide failed; will retry')
    }
  }
}
