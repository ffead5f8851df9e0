import assert from 'node:assert/strict'
import { MAX_QUIET_HOLD_MS } from '../../protocols/common/quiet.js'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { GossipSub } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import {
  CAPACITY_TOPIC, CapacityAnnouncement, CapacityService, FULL_CHANGE_ANNOUNCE_DELAY_MS, LOAD_ANNOUNCE_DELAY_MS, SUBSCRIBER_ANNOUNCE_DELAY_MS,
  type CapacitySnapshot
} from '../../protocols/capacity/index.js'
import { announcement } from './fixtures.js'

/**
 * When a worker publishes. Only the publish side of gossipsub is doubled here (it records what is published);
 * real gossip between real nodes is tested in gossip.spec.ts.
 */
class RecordingPubsub extends EventTarget {
  readonly topicValidators = new Map<string, unknown>()
  readonly published: CapacityAnnouncement[] = []
  /** Who each publish reaches (gossipsub's PublishResult.recipients). */
  recipients: PeerId[] = []
  subscribe (): void {}
  unsubscribe (): void {}
  async publish (topic: string, data: Uint8Array): Promise<{ recipients: PeerId[] }> {
    assert.equal(topic, CAPACITY_TOPIC)
    this.published.push(CapacityAnnouncement.decode(data))
    return { recipients: this.recipients }
  }

  /** As gossipsub does when a peer tells us its subscriptions. */
  peerSubscribes (peerId: PeerId): void {
    this.dispatchEvent(new CustomEvent('subscription-change', { detail: { peerId, subscriptions: [{ topic: CAPACITY_TOPIC, subscribe: true }] } }))
  }
}

function snapshot (): CapacitySnapshot {
  const { peerId, seq, ts, ...rest } = announcement(new Uint8Array(0))
  return rest
}

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

describe('capacity announce cadence', function () {
  this.timeout(20_000)
  let pubsub: RecordingPubsub
  let service: CapacityService

  beforeEach(async () => {
    pubsub = new RecordingPubsub()
    const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    service = new CapacityService({ peerId, pubsub: pubsub as unknown as GossipSub }, { announceIntervalMs: 1000 })
    await service.start()
  })

  afterEach(async () => { await service.stop() })

  it('announces at once when it starts, then refreshes once per period', async () => {
    service.startAnnouncing(snapshot)
    await sleep(50)
    assert.equal(pubsub.published.length, 1)
    await sleep(1000)
    assert.equal(pubsub.published.length, 2)
  })

  it('an announcement on change restarts the refresh period instead of adding to it', async () => {
    service.startAnnouncing(snapshot)
    await sleep(600)
    await service.announce()
    assert.equal(pubsub.published.length, 2)
    // Without the restart a refresh would have gone out at 1000 ms; with it, the next is due at 1600 ms.
    await sleep(700)
    assert.equal(pubsub.published.length, 2)
    await sleep(600)
    assert.equal(pubsub.published.length, 3)
    const seqs = pubsub.published.map(a => a.seq)
    assert.ok(seqs[0] < seqs[1] && seqs[1] < seqs[2], 'seq grows with every announcement')
  })

  it('announces again when a peer subscribes only if its last announcement reached nobody', async () => {
    const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    service.startAnnouncing(snapshot) // alone: reaches nobody
    await sleep(50)
    pubsub.recipients = [peer]
    pubsub.peerSubscribes(peer)
    await sleep(SUBSCRIBER_ANNOUNCE_DELAY_MS + 100)
    assert.equal(pubsub.published.length, 2, 'the first neighbour hears it at once')
    // Heard now: later subscribers wait for the refresh instead of each setting off a swarm-wide announcement.
    pubsub.peerSubscribes(peerIdFromPrivateKey(await generateKeyPair('Ed25519')))
    await sleep(SUBSCRIBER_ANNOUNCE_DELAY_MS + 100)
    assert.equal(pubsub.published.length, 2)
  })

  it('gathers a short job\'s start and end into one announcement, and announces filling up or freeing a slot at once', async () => {
    service.startAnnouncing(snapshot)
    await sleep(50)
    assert.equal(pubsub.published.length, 1)
    service.loadChanged(1, 4) // a job starts...
    await sleep(LOAD_ANNOUNCE_DELAY_MS / 5)
    service.loadChanged(0, 4) // ...and ends before the load was announced
    await sleep(LOAD_ANNOUNCE_DELAY_MS / 2)
    assert.equal(pubsub.published.length, 1, 'not yet')
    await sleep(LOAD_ANNOUNCE_DELAY_MS / 2 + 50)
    assert.equal(pubsub.published.length, 2, 'one announcement for both changes')
    // The last slot taken: proxies must hear it before they send more.
    service.loadChanged(3, 4)
    service.loadChanged(4, 4)
    await sleep(FULL_CHANGE_ANNOUNCE_DELAY_MS + 50)
    assert.equal(pubsub.published.length, 3, 'filling up brought the pending announcement forward')
    service.loadChanged(3, 4)
    await sleep(FULL_CHANGE_ANNOUNCE_DELAY_MS + 50)
    assert.equal(pubsub.published.length, 4, 'a free slot again, at once')
  })

  it('holds a due announcement while a job waits for its first token, at most MAX_QUIET_HOLD_MS', async () => {
    let starting = false
    service.startAnnouncing(snapshot, () => starting)
    await sleep(50)
    assert.equal(pubsub.published.length, 1)
    starting = true
    service.loadChanged(4, 4) // the last slot taken: due within FULL_CHANGE_ANNOUNCE_DELAY_MS
    await sleep(FULL_CHANGE_ANNOUNCE_DELAY_MS + 30)
    assert.equal(pubsub.published.length, 1, 'held while the job starts')
    starting = false
    await sleep(20)
    assert.equal(pubsub.published.length, 2, 'out as soon as the job has its first token')
    starting = true
    service.loadChanged(3, 4)
    await sleep(FULL_CHANGE_ANNOUNCE_DELAY_MS + MAX_QUIET_HOLD_MS + 40)
    assert.equal(pubsub.published.length, 3, 'a job that never starts holds it no longer than MAX_QUIET_HOLD_MS')
  })

  it('publishes nothing after stop, even when asked', async () => {
    service.startAnnouncing(snapshot)
    await sleep(50)
    await service.stop()
    await service.announce()
    service.announceSoon(10)
    await sleep(1200)
    assert.equal(pubsub.published.length, 1)
  })
})
