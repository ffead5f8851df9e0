import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { buildLibp2p, type CocoonLibp2p } from '../../node/libp2p.js'
import { CAPACITY_TOPIC, CapacityService, CapacityTable, encodeAnnouncement, type CapacitySnapshot } from '../../protocols/capacity/index.js'
import { wireBytes } from '../../protocols/common/bytes.js'
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

describe('capacity gossip between real nodes (TCP, gossipsub, StrictSign)', function () {
  this.timeout(60_000)
  let proxy: CocoonLibp2p
  let worker: CocoonLibp2p
  let forger: CocoonLibp2p
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
    proxyCapacity = new CapacityService({ peerId: proxy.peerId, pubsub: proxy.services.pubsub }, { table: new CapacityTable({ ttlMs }) })
    proxyCapacity.events.onReject = (from, reason) => rejections.push({ from, reason })
    workerCapacity = new CapacityService({ peerId: worker.peerId, pubsub: worker.services.pubsub }, { announceIntervalMs: 500 })
    await proxyCapacity.start()
    await workerCapacity.start()
    forger.services.pubsub.subscribe(CAPACITY_TOPIC)
    await forger.dial(multiaddr(addr))
    workerCapacity.startAnnouncing(snapshot)
  })

  after(async () => {
    await workerCapacity?.stop()
    await proxyCapacity?.stop()
    await Promise.all([proxy, worker, forger].map(async n => n?.stop()))
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

  it('rejects forged announcements (wrong key, stale, future, garbage), keeps a replayed seq out, and none enters the table', async () => {
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

    // Replayed seq: a valid announcement, then one with a lower seq.
    await publish(encodeAnnouncement(announcement(forgerId, { ts: BigInt(Date.now()), seq: 1000n })))
    await until('valid forger entry', () => proxyCapacity.table.get(forger.peerId.toString()) != null)
    await publish(encodeAnnouncement(announcement(forgerId, { ts: BigInt(Date.now()), seq: 999n, freeSlots: 1 })))
    // The replay is ignored (no score change: honest gossip delivers old seqs too) and never replaces the entry.
    await new Promise(resolve => setTimeout(resolve, 500))
    assert.equal(proxyCapacity.table.get(forger.peerId.toString())?.announcement.seq, 1000n)
    assert.equal(proxyCapacity.table.get(forger.peerId.toString())?.announcement.freeSlots, 4)
    // The honest worker's entry was never replaced by the one naming it.
    assert.ok(proxyCapacity.table.get(worker.peerId.toString()) != null)
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
