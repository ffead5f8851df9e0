import type { PeerId, Startable } from '@libp2p/interface'
import { TopicValidatorResult, type GossipSub, type Message } from '@libp2p/gossipsub'
import type { Logger } from 'pino'
import type { Clock } from '../common/clock.js'
import { systemClock } from '../common/clock.js'
import { checkAnnouncement, encodeAnnouncement } from './announcement.js'
import { CAPACITY_TOPIC, ANNOUNCE_INTERVAL_MS, FULL_CHANGE_ANNOUNCE_DELAY_MS, LOAD_ANNOUNCE_DELAY_MS, PRUNE_INTERVAL_MS, SUBSCRIBER_ANNOUNCE_DELAY_MS } from './constants.js'
import { whenQuiet } from '../common/quiet.js'
import type { CapacityAnnouncement } from './gen/messages.js'
import { CapacityTable } from './table.js'
import { silentLogger } from '../common/silent-logger.js'

/**
 * An admission check's verdict: 'accept' as announced, `{ accept }` with a narrowed announcement (e.g. only the
 * models this node may route), 'ignore' (no penalty), or 'reject' (the sender loses gossip score).
 */
export type Admission = 'accept' | { accept: CapacityAnnouncement } | 'ignore' | 'reject'

/** What a worker reports about itself; the service adds peerId, seq and ts. */
export type CapacitySnapshot = Omit<CapacityAnnouncement, 'peerId' | 'seq' | 'ts'>

export interface CapacityComponents {
  peerId: PeerId
  pubsub: GossipSub
}

export interface CapacityInit {
  /** Set on workers: the current state to announce. */
  snapshot?: () => CapacitySnapshot
  /**
   * Extra admission check (attestation). 'reject' for a certificate that is invalid (the sender loses score);
   * 'ignore' for one we cannot judge yet (e.g. its registry entry is not visible yet), which costs nothing.
   */
  admit?: (from: PeerId, announcement: CapacityAnnouncement) => Admission | Promise<Admission>
  /** Refresh period when nothing changed; every announcement restarts it. @default ANNOUNCE_INTERVAL_MS */
  announceIntervalMs?: number
  /**
   * Workers: true while a job waits for its first token; a due announcement waits meanwhile (common/quiet.ts):
   * publishing takes the worker's main thread 1-2 ms (a signature, a write to each gossip peer).
   */
  jobStarting?: () => boolean
  table?: CapacityTable
  clock?: Clock
  logger?: Logger
}

export interface CapacityEvents {
  /** A validated announcement entered the table. */
  onAnnouncement?: (peerId: string, announcement: CapacityAnnouncement) => void
  /** A message was rejected, with the reason (tests and metrics watch this). */
  onReject?: (from: string, reason: string) => void
}

/**
 * Capacity gossip on one node: validates every message on the topic, keeps the table, and (on workers) publishes
 * the node's own capacity on change, when its first topic peer appears, and otherwise once per refresh period (the
 * period restarts at every announcement, so a worker whose load changes often sends no extra refreshes).
 */
export class CapacityService implements Startable {
  readonly table: CapacityTable
  readonly events: CapacityEvents = {}
  private readonly components: CapacityComponents
  private readonly init: CapacityInit
  private readonly clock: Clock
  private readonly log: Logger
  private seq: bigint
  /** The next refresh: re-armed by every announcement. */
  private refresh?: ReturnType<typeof setTimeout>
  private announcing = false
  /**
   * The last announcement reached no peer (a worker alone, or whose peers had not yet told it they subscribe): the
   * next peer that subscribes triggers a new one, so a joining worker is listed as soon as it has a neighbour.
   */
  private unheard = false
  private pruneTimer?: ReturnType<typeof setInterval>
  private pending?: { cancel: () => void }
  /** When the pending announcement goes out (clock ms). */
  private pendingAt = 0
  /** Whether the last load change left every slot busy. */
  private full = false
  /** Announcements the validator decoded and accepted, handed to the message handler so it need not decode again. */
  private readonly accepted = new WeakMap<Message, CapacityAnnouncement>()

  constructor (components: CapacityComponents, init: CapacityInit = {}) {
    this.components = components
    this.init = init
    this.clock = init.clock ?? systemClock
    this.table = init.table ?? new CapacityTable({ clock: this.clock })
    this.log = init.logger ?? silentLogger
    // Microseconds of wall clock: a restarted worker continues above the seq it used before.
    this.seq = BigInt(this.clock()) * 1000n
  }

  async start (): Promise<void> {
    const { pubsub } = this.components
    pubsub.topicValidators.set(CAPACITY_TOPIC, this.validate)
    pubsub.addEventListener('message', this.onMessage)
    pubsub.subscribe(CAPACITY_TOPIC)
    this.pruneTimer = setInterval(() => {
      for (const gone of this.table.prune()) this.log.info({ worker: gone }, 'worker left capacity table (no announcement within the TTL)')
    }, PRUNE_INTERVAL_MS)
    if (this.init.snapshot != null) this.startAnnouncing(this.init.snapshot)
  }

  /** Workers: begin publishing (once their models are loaded and their certificate is anchored). */
  startAnnouncing (snapshot: () => CapacitySnapshot, jobStarting?: () => boolean): void {
    this.init.snapshot = snapshot
    if (jobStarting != null) this.init.jobStarting = jobStarting
    if (this.announcing) return
    this.announcing = true
    this.components.pubsub.addEventListener('subscription-change', this.onSubscriptionChange)
    void this.announce()
  }

  /** Proxies: the attestation check every announcement must pass before it enters the table. */
  setAdmission (admit: NonNullable<CapacityInit['admit']>): void {
    this.init.admit = admit
  }

  async stop (): Promise<void> {
    const { pubsub } = this.components
    this.announcing = false
    clearTimeout(this.refresh)
    this.refresh = undefined
    clearInterval(this.pruneTimer)
    this.pending?.cancel()
    this.pending = undefined
    pubsub.removeEventListener('message', this.onMessage)
    pubsub.removeEventListener('subscription-change', this.onSubscriptionChange)
    if (pubsub.topicValidators.get(CAPACITY_TOPIC) === this.validate) pubsub.topicValidators.delete(CAPACITY_TOPIC)
    try { pubsub.unsubscribe(CAPACITY_TOPIC) } catch {}
  }

  /**
   * Publishes within `delayMs`, gathering the changes made meanwhile into one message. An announcement already
   * pending goes out at the earlier of its time and this one.
   */
  announceSoon (delayMs = 100): void {
    if (this.init.snapshot == null) return
    const at = this.clock() + delayMs
    if (this.pending != null && this.pendingAt <= at) return
    this.pending?.cancel()
    this.pendingAt = at
    this.pending = whenQuiet(() => {
      this.pending = undefined
      void this.announce()
    }, delayMs, { busy: this.init.jobStarting })
  }

  /**
   * A worker's load changed (`active` jobs on `slots` slots). Filling the last slot, or freeing one when full, is
   * announced at once (FULL_CHANGE_ANNOUNCE_DELAY_MS); any other change within LOAD_ANNOUNCE_DELAY_MS.
   */
  loadChanged (active: number, slots: number): void {
    const full = active >= slots
    this.announceSoon(full !== this.full ? FULL_CHANGE_ANNOUNCE_DELAY_MS : LOAD_ANNOUNCE_DELAY_MS)
    this.full = full
  }

  /** Publishes the current snapshot now and restarts the refresh period. */
  async announce (): Promise<void> {
    if (this.init.snapshot == null || !this.announcing) return
    clearTimeout(this.refresh)
    // A refresh is an announcement due now, held like any other.
    this.refresh = setTimeout(() => { this.announceSoon(0) }, this.init.announceIntervalMs ?? ANNOUNCE_INTERVAL_MS)
    this.seq += 1n
    const announcement: CapacityAnnouncement = {
      ...this.init.snapshot(),
      peerId: this.components.peerId.toMultihash().bytes,
      seq: this.seq,
      ts: BigInt(this.clock())
    }
    try {
      const { recipients } = await this.components.pubsub.publish(CAPACITY_TOPIC, encodeAnnouncement(announcement))
      this.unheard = recipients.length === 0
    } catch (err) {
      this.unheard = true
      this.log.debug({ err: (err as Error).message }, 'capacity publish failed')
    }
  }

  private readonly validate = async (_source: PeerId, msg: Message): Promise<TopicValidatorResult> => {
    if (msg.type !== 'signed') {
      this.events.onReject?.('unsigned', 'unsigned message')
      return TopicValidatorResult.Reject
    }
    const from = msg.from.toString()
    if (from === this.components.peerId.toString()) return TopicValidatorResult.Accept
    const verdict = checkAnnouncement(msg.data, {
      signer: msg.from.toMultihash().bytes,
      lastSeq: this.table.lastSeq(from),
      now: this.clock()
    })
    if (verdict.action === 'ignore') return TopicValidatorResult.Ignore
    if (verdict.action === 'reject') {
      this.log.warn({ from, reason: verdict.reason }, 'rejected capacity announcement')
      this.events.onReject?.(from, verdict.reason)
      return TopicValidatorResult.Reject
    }
    const admission = this.init.admit != null ? await this.init.admit(msg.from, verdict.announcement) : 'accept'
    if (admission === 'ignore') return TopicValidatorResult.Ignore
    if (admission === 'reject') {
      this.events.onReject?.(from, 'not admitted')
      return TopicValidatorResult.Reject
    }
    // The table takes what admission accepted; relays forward the signed bytes as they came.
    this.accepted.set(msg, typeof admission === 'object' ? admission.accept : verdict.announcement)
    return TopicValidatorResult.Accept
  }

  private readonly onMessage = (evt: CustomEvent<Message>): void => {
    const msg = evt.detail
    if (msg.topic !== CAPACITY_TOPIC || msg.type !== 'signed') return
    const from = msg.from.toString()
    if (from === this.components.peerId.toString()) return
    let announcement = this.accepted.get(msg)
    if (announcement == null) {
      // Only a message this node's validator accepted may pass an admission check it did not see.
      if (this.init.admit != null) return
      const verdict = checkAnnouncement(msg.data, { signer: msg.from.toMultihash().bytes, now: this.clock() })
      if (verdict.action !== 'accept') return
      announcement = verdict.announcement
    }
    if (this.table.upsert(from, announcement)) this.log.info({ worker: from, models: announcement.models.map(m => m.id) }, 'worker joined capacity table')
    this.events.onAnnouncement?.(from, announcement)
  }

  /**
   * Only a worker whose last announcement reached nobody answers a new subscriber. Answering every subscriber
   * (as this did) flood-published the whole swarm's worth of signature checks for each new connection: a joining
   * node's DHT walk connects it to a dozen workers and each re-announced, and a proxy dialling every worker made
   * each of them re-announce; in a 50-node swarm that storm kept the machine saturated. A new proxy instead fills
   * its table from the periodic refreshes, within one ANNOUNCE_INTERVAL_MS.
   */
  private readonly onSubscriptionChange = (evt: CustomEvent<{ peerId: PeerId, subscriptions: Array<{ topic: string, subscribe: boolean }> }>): void => {
    if (!this.unheard) return
    if (evt.detail.subscriptions.some(s => s.topic === CAPACITY_TOPIC && s.subscribe)) this.announceSoon(SUBSCRIBER_ANNOUNCE_DELAY_MS)
  }
}

export function capacity (init: CapacityInit = {}): (components: CapacityComponents) => CapacityService {
  return (components) => new CapacityService(components, init)
}
