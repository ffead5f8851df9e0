import type { Libp2p } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'

/** How often a node with no connection at all dials its bootstrap peers again. @default 5 s */
export const BOOTSTRAP_RETRY_MS = 5_000

/**
 * @libp2p/bootstrap dials its list once at start; if that dial fails (a busy peer refusing handshakes, a peer
 * not up yet) the node stays alone for good, and a lone node finds nothing in the DHT. While this node has no
 * connection, this dials the bootstrap addresses again every few seconds.
 */
export class BootstrapKeeper {
  private timer?: ReturnType<typeof setInterval>
  private readonly libp2p: Libp2p
  private readonly addresses: string[]

  constructor (libp2p: Libp2p, addresses: string[]) {
    this.libp2p = libp2p
    this.addresses = addresses
  }

  start (): void {
    if (this.addresses.length === 0) return
    this.timer = setInterval(() => { void this.redial() }, BOOTSTRAP_RETRY_MS)
    this.timer.unref?.()
  }

  stop (): void {
    clearInterval(this.timer)
  }

  /** Dials every bootstrap address if the node has no connection; resolves when the dials have settled. */
  async redial (): Promise<void> {
    if (this.libp2p.getConnections().length > 0) return
    await Promise.all(this.addresses.map(async a => this.libp2p.dial(multiaddr(a), { signal: AbortSignal.timeout(BOOTSTRAP_RETRY_MS) }).catch(() => {})))
  }
}
