import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { RPC } from '@libp2p/gossipsub/message'
import type { PeerId, PrivateKey, Stream } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import { concat } from 'uint8arrays/concat'
import { fromString } from 'uint8arrays/from-string'
import { buildLibp2p, type CocoonLibp2p } from '../../node/libp2p.js'
import { CAPACITY_TOPIC, CapacityService, CapacityTable, encodeAnnouncement, type CapacitySnapshot } from '../../protocols/capacity/index.js'
import { wireBytes } from '../../protocols/common/bytes.js'
import { startRawPeer } from '../net/jobs-peers.js'
import { announcement } from './fixtures.js'

async function node (role: 'proxy' | 'worker', bootstrap: string[] = []): Promise<CocoonLibp2p> {
  const n = await buildLibp2p({ role, privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap })
  await n.start()
  return n
}

function snapshot (): CapacitySnapshot {
  const { peerId, seq, ts, ...rest } = announcement(new Uint8Array(0))
  return rest
}

async function until (what: string, test: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

const sleep = async (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** gossipsub caches a peer's score for up to a heartbeat (1 s); wait this long before trusting a reading. */
const SCORE_CACHE_MS = 1100

/** A gossipsub message signed the way gossipsub signs one: "libp2p-pubsub:" + the message without signature and key. */
async function signedMessage (author: PrivateKey, data: Uint8Array, seqno: bigint): Promise<RPC.Message> {
  const seq = new Uint8Array(8)
  new DataView(seq.buffer).setBigUint64(0, seqno)
  // The Ed25519 peer id carries the public key, so the envelope needs no `key` field.
  const unsigned = { from: peerIdFromPrivateKey(author).toMultihash().bytes, data, seqno: seq, topic: CAPACITY_TOPIC }
  const signature = await author.sign(concat([fromString('libp2p-pubsub:'), RPC.Message.encode(unsigned)]))
  return { ...unsigned, signature }
}

/** Opens a /meshsub stream from a bare peer, so the test writes gossipsub RPCs itself and no library signs them. */
async function rawGossip (from: Libp2p, to: PeerId): Promise<{ send: (m: RPC.Message) => Promise<void>, stream: Stream }> {
  const stream = await from.dialProtocol(to, '/meshsub/1.1.0', { signal: AbortSignal.timeout(10_000) })
  const lp = lpStream(stream)
  return { stream, send: async (m) => { await lp.write(RPC.encode({ subscriptions: [], messages: [m] })) } }
}

describe('capacity gossip between real nodes (TCP, gossipsub, StrictSign)', function () {
  this.timeout(60_000)
  let proxy: CocoonLibp2p
  let worker: CocoonLibp2p
  let forger: CocoonLibp2p
  /**
   * Publishes valid announcements only: a check that needs a clean score must not borrow the forger's. It runs the
   * capacity validator like every real node; without it, it relayed the forger's messages and lost score for them.
   */
  let replayer: CocoonLibp2p
  let replayerCapacity: CapacityService
  /** Bare peers that write gossipsub RPCs by hand: one with a bad signature, one relaying the genuine copy. */
  let tamperer: Libp2p
  let relay: Libp2p
  const rawStreams: Stream[] = []
  let proxyCapacity: CapacityService
  let workerCapacity: CapacityService
  const rejections: Array<{ from: string, reason: string }> = []
  /** A short TTL and refresh period keep the test quick; the defaults are exercised by test/net/discovery.spec.ts. */
  const ttlMs = 2000

  before(async () => {
    proxy = await node('proxy')
    const addr = proxy.getMultiaddrs()[0].toString()
    worker = await node('worker', [addr])
    forger = await node('worker', [addr])
    replayer = await node('worker', [addr])
    tamperer = await startRawPeer()
    relay = await startRawPeer()
    await Promise.all([tamperer, relay].map(async p => p.dial(multiaddr(addr))))
    proxyCapacity = new CapacityService({ peerId: proxy.peerId, pubsub: proxy.services.pubsub }, { table: new CapacityTable({ ttlMs }) })
    proxyCapacity.events.onReject = (from, reason) => rejections.push({ from, reason })
    workerCapacity = new CapacityService({ peerId: worker.peerId, pubsub: worker.services.pubsub }, { announceIntervalMs: 500 })
    replayerCapacity = new CapacityService({ peerId: replayer.peerId, pubsub: replayer.services.pubsub })
    await proxyCapacity.start()
    await workerCapacity.start()
    await replayerCapacity.start()
    forger.services.pubsub.subscribe(CAPACITY_TOPIC)
    await forger.dial(multiaddr(addr))
    workerCapacity.startAnnouncing(snapshot)
  })

  after(async () => {
    await workerCapacity?.stop()
    await replayerCapacity?.stop()
    await proxyCapacity?.stop()
    for (const st of rawStreams) st.abort(new Error('test over'))
    await Promise.all([proxy, worker, forger, replayer, tamperer, relay].map(async n => n?.stop()))
  })

  it('an honest worker appears in the proxy table', async () => {
    await until('worker in table', () => proxyCapacity.table.get(worker.peerId.toString()) != null)
  })

  it('keeps what an admission check narrowed (a proxy routes only the models it admits)', async () => {
    const id = worker.peerId.toString()
    proxyCapacity.setAdmission((_from, a) => ({ accept: { ...a, gpu: 'narrowed by admission' } }))
    try {
      await until('the narrowed announcement in the table', () => proxyCapacity.table.get(id)?.announcement.gpu === 'narrowed by admission')
    } finally {
      proxyCapacity.setAdmission(() => 'accept')
    }
    await until('the plain announcement back', () => proxyCapacity.table.get(id)?.announcement.gpu === snapshot().gpu)
  })

  it('rejects forged announcements (wrong key, stale, future, garbage), and none enters the table', async () => {
    await until('forger in the proxy mesh', () => proxy.services.pubsub.getSubscribers(CAPACITY_TOPIC).some(p => p.equals(forger.peerId)))
    const forgerId = wireBytes(forger.peerId.toMultihash().bytes)
    const now = BigInt(Date.now())
    const publish = async (data: Uint8Array): Promise<void> => { await forger.services.pubsub.publish(CAPACITY_TOPIC, data) }
    // Wrong key: names the honest worker but is signed by the forger.
    await publish(encodeAnnouncement(announcement(wireBytes(worker.peerId.toMultihash().bytes), { ts: now, seq: now * 1000n })))
    await publish(encodeAnnouncement(announcement(forgerId, { ts: now - 120_000n, seq: 1n })))
    await publish(encodeAnnouncement(announcement(forgerId, { ts: now + 60_000n, seq: 2n })))
    await publish(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]))
    await until('four rejections', () => rejections.filter(r => r.from === forger.peerId.toString()).length >= 4)
    const reasons = rejections.filter(r => r.from === forger.peerId.toString()).map(r => r.reason)
    assert.ok(reasons.some(r => r.includes('does not match the signer')), reasons.join('; '))
    assert.ok(reasons.some(r => r.startsWith('stale')))
    assert.ok(reasons.some(r => r.includes('future')))
    assert.ok(reasons.some(r => r.startsWith('malformed')))
    assert.equal(proxyCapacity.table.get(forger.peerId.toString()), undefined)
    // The honest worker's entry was never replaced by the one naming it.
    assert.ok(proxyCapacity.table.get(worker.peerId.toString()) != null)
  })

  it('ignores a lower seq: it never replaces the newer entry and costs the sender no score', async () => {
    // A peer with a clean score: one graylisted by earlier rejections would have its messages dropped unread, and
    // then "the lower seq stayed out" would pass without the seq check ever running.
    await until('replayer in the proxy mesh', () => proxy.services.pubsub.getSubscribers(CAPACITY_TOPIC).some(p => p.equals(replayer.peerId)))
    const id = replayer.peerId.toString()
    const self = wireBytes(replayer.peerId.toMultihash().bytes)
    const publish = async (over: { seq: bigint, freeSlots: number }): Promise<void> => {
      await replayer.services.pubsub.publish(CAPACITY_TOPIC, encodeAnnouncement(announcement(self, { ts: BigInt(Date.now()), ...over })))
    }
    await publish({ seq: 1000n, freeSlots: 4 })
    await until('the replayer entry', () => proxyCapacity.table.get(id)?.announcement.seq === 1000n)
    await publish({ seq: 999n, freeSlots: 1 })
    // A later seq on the same stream: once it is in the table, the 999 before it has been through the validator.
    await publish({ seq: 1001n, freeSlots: 2 })
    await until('the barrier seq', () => proxyCapacity.table.get(id)?.announcement.seq === 1001n)
    await sleep(SCORE_CACHE_MS)
    assert.equal(proxyCapacity.table.get(id)?.announcement.freeSlots, 2)
    assert.ok(!rejections.some(r => r.from === id), 'a lower seq is ignored, never rejected')
    const pubsub = proxy.services.pubsub as unknown as { getScore: (id: string) => number }
    assert.ok(pubsub.getScore(id) >= 0, `score ${pubsub.getScore(id)}`)
  })

  it('drops an announcement whose gossipsub signature is wrong before the validator, and scores its sender down', async () => {
    const author = await generateKeyPair('Ed25519')
    const authorId = peerIdFromPrivateKey(author).toString()
    const body = (over: { seq: bigint, freeSlots: number }): Uint8Array =>
      encodeAnnouncement(announcement(wireBytes(peerIdFromPrivateKey(author).toMultihash().bytes), { ts: BigInt(Date.now()), ...over }))
    const genuine = await signedMessage(author, body({ seq: 5000n, freeSlots: 4 }), 1n)
    // Same envelope with the data changed after signing, and one signed by a key that is not the author's.
    const tampered = { ...genuine, data: body({ seq: 5001n, freeSlots: 0 }) }
    const wrongKey = { ...await signedMessage(await generateKeyPair('Ed25519'), body({ seq: 5002n, freeSlots: 3 }), 2n), from: genuine.from }
    const bad = await rawGossip(tamperer, proxy.peerId)
    rawStreams.push(bad.stream)
    await bad.send(tampered)
    await bad.send(wrongKey)
    const pubsub = proxy.services.pubsub as unknown as { getScore: (id: string) => number }
    await until('the tamperer\'s score below zero', () => pubsub.getScore(tamperer.peerId.toString()) < 0)
    assert.equal(proxyCapacity.table.get(authorId), undefined)
    // gossipsub dropped them itself: the capacity validator never saw either.
    assert.ok(!rejections.some(r => r.from === authorId), JSON.stringify(rejections))

    // The genuine copy, by the same raw path and with the same seqno, is accepted: the signature was all that was
    // wrong, and the bad copies did not get (from, seqno) marked as seen.
    const good = await rawGossip(relay, proxy.peerId)
    rawStreams.push(good.stream)
    await good.send(genuine)
    await until('the genuine announcement in the table', () => proxyCapacity.table.get(authorId) != null)
    assert.equal(proxyCapacity.table.get(authorId)?.announcement.seq, 5000n)
    assert.equal(proxyCapacity.table.get(authorId)?.announcement.freeSlots, 4)
    await sleep(SCORE_CACHE_MS)
    assert.ok(pubsub.getScore(relay.peerId.toString()) >= 0)
  })

  it('a peer that sent rejected messages loses gossipsub score; an honest one does not', async () => {
    const pubsub = proxy.services.pubsub as unknown as { getScore: (id: string) => number }
    await until('score drops', () => pubsub.getScore(forger.peerId.toString()) < 0)
    assert.ok(pubsub.getScore(worker.peerId.toString()) >= 0)
  })

  it('drops a worker that stops announcing after the TTL', async () => {
    await workerCapacity.stop()
    const stoppedAt = Date.now()
    // Still listed within the TTL (its last refresh was at most 500 ms before the stop), gone after it.
    assert.ok(proxyCapacity.table.get(worker.peerId.toString()) != null)
    await until('worker dropped', () => proxyCapacity.table.get(worker.peerId.toString()) == null, 10_000)
    assert.ok(Date.now() - stoppedAt <= ttlMs + 1000)
  })
})
