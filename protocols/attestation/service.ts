import type { ComponentLogger, Logger, Startable, StreamHandler, StreamHandlerOptions, AbortOptions } from '@libp2p/interface'
import { ATTEST_MAX_INBOUND_STREAMS, ATTEST_MAX_OUTBOUND_STREAMS, ATTEST_PROTOCOL, ATTEST_TIMEOUT_MS } from './constants.js'
import { serveAttestRequest, type AttestationBundle } from './handler.js'

/** The part of libp2p's registrar this service uses. */
export interface AttestRegistrar {
  handle (protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>
  unhandle (protocol: string, options?: AbortOptions): Promise<void>
}

export interface AttestationServiceComponents {
  registrar: AttestRegistrar
  logger: ComponentLogger
}

export interface AttestationServiceInit {
  /** The certificate to serve from the start; `setBundle` replaces it (on renewal). */
  bundle?: AttestationBundle
  /** @default ATTEST_TIMEOUT_MS */
  timeoutMs?: number
  /** @default ATTEST_MAX_INBOUND_STREAMS */
  maxInboundStreams?: number
  /** @default ATTEST_MAX_OUTBOUND_STREAMS */
  maxOutboundStreams?: number
}

/** Serves this node's certificate on /cocoon/attest/1.0.0 (a node without one answers with an error frame). */
export class AttestationService implements Startable {
  readonly protocol = ATTEST_PROTOCOL
  private readonly components: AttestationServiceComponents
  private readonly init: AttestationServiceInit
  private readonly log: Logger
  private bundle?: AttestationBundle
  private started = false

  constructor (components: AttestationServiceComponents, init: AttestationServiceInit = {}) {
    this.components = components
    this.init = init
    this.bundle = init.bundle
    this.log = components.logger.forComponent('cocoon:attest')
  }

  readonly [Symbol.toStringTag] = 'cocoon:attest'

  /** Serve this certificate from now on (undefined: serve none). */
  setBundle (bundle: AttestationBundle | undefined): void {
    this.bundle = bundle
  }

  getBundle (): AttestationBundle | undefined {
    return this.bundle
  }

  async start (): Promise<void> {
    await this.components.registrar.handle(this.protocol, (stream, connection) => {
      const peer = connection.remotePeer
      serveAttestRequest(stream, async () => this.bundle, { timeoutMs: this.init.timeoutMs ?? ATTEST_TIMEOUT_MS })
        .then(err => {
          if (err != null) this.log('attest request from %p failed - %e', peer, err)
        }, err => { this.log.error('attest handler crashed for %p - %e', peer, err) })
    }, {
      maxInboundStreams: this.init.maxInboundStreams ?? ATTEST_MAX_INBOUND_STREAMS,
      maxOutboundStreams: this.init.maxOutboundStreams ?? ATTEST_MAX_OUTBOUND_STREAMS
    })
    this.started = true
  }

  async stop (): Promise<void> {
    await this.components.registrar.unhandle(this.protocol)
    this.started = false
  }

  isStarted (): boolean {
    return this.started
  }
}

/** js-libp2p service factory: `services: { attest: attestationService({ bundle }) }`. */
export function attestationService (init: AttestationServiceInit = {}): (components: AttestationServiceComponents) => AttestationService {
  return (components) => new AttestationService(components, init)
}
