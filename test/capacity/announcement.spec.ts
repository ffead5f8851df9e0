import assert from 'node:assert/strict'
import { checkAnnouncement, encodeAnnouncement, CapacityTable, MAX_AGE_MS } from '../../protocols/capacity/index.js'
import { announcement, makePeer } from './fixtures.js'

describe('capacity announcement checks', () => {
  const now = 1_000_000
  let peer: Uint8Array
  before(async () => { peer = await makePeer() })

  it('accepts a well-formed, fresh, correctly attributed announcement', () => {
    const v = checkAnnouncement(encodeAnnouncement(announcement(peer)), { signer: peer, now })
    assert.equal(v.action, 'accept')
  })

  it('rejects an announcement signed by another peer than it names (wrong key)', async () => {
    const other = await makePeer()
    const v = checkAnnouncement(encodeAnnouncement(announcement(peer)), { signer: other, now })
    assert.deepEqual([v.action, (v as { reason: string }).reason], ['reject', 'peerId does not match the signer'])
  })

  it('rejects garbage bytes and oversized messages', () => {
    assert.equal(checkAnnouncement(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]), { signer: peer, now }).action, 'reject')
    assert.equal(checkAnnouncement(new Uint8Array(5000), { signer: peer, now }).action, 'reject')
  })

  it('rejects stale and future timestamps', () => {
    const stale = checkAnnouncement(encodeAnnouncement(announcement(peer, { ts: BigInt(now - MAX_AGE_MS - 1) })), { signer: peer, now })
    const future = checkAnnouncement(encodeAnnouncement(announcement(peer, { ts: BigInt(now + 60_000) })), { signer: peer, now })
    assert.equal(stale.action, 'reject')
    assert.equal(future.action, 'reject')
  })

  it('keeps a replayed (lower) or duplicate seq out: ignored, since honest gossip delivers those too', () => {
    const data = encodeAnnouncement(announcement(peer, { seq: 5n }))
    assert.equal(checkAnnouncement(data, { signer: peer, now, lastSeq: 9n }).action, 'ignore')
    assert.equal(checkAnnouncement(data, { signer: peer, now, lastSeq: 5n }).action, 'ignore')
    assert.equal(checkAnnouncement(data, { signer: peer, now, lastSeq: 4n }).action, 'accept')
  })

  it('rejects impossible shapes: no models, freeSlots > slots, bad hash length', () => {
    for (const over of [{ models: [] }, { freeSlots: 9 }, { slots: 0, freeSlots: 0 }, { certHash: new Uint8Array(5) }]) {
      assert.equal(checkAnnouncement(encodeAnnouncement(announcement(peer, over)), { signer: peer, now }).action, 'reject', JSON.stringify(Object.keys(over)))
    }
  })
})

describe('CapacityTable', () => {
  it('keeps the newest seq, expires entries after the TTL and prunes them', () => {
    let t = 0
    const table = new CapacityTable({ ttlMs: 1000, clock: () => t })
    const a = announcement(new Uint8Array([1]), { seq: 2n })
    assert.equal(table.upsert('w1', a), true)
    assert.equal(table.upsert('w1', { ...a, seq: 1n }), false)
    assert.equal(table.lastSeq('w1'), 2n)
    table.upsert('w2', { ...a, models: [{ ...a.models[0], id: 'other' }] })
    assert.equal(table.list('cocoon-tiny').length, 1)
    assert.equal(table.list('0707070707070707070707070707070707070707070707070707070707070707').length, 2)
    t = 900
    table.upsert('w1', { ...a, seq: 3n })
    t = 1500
    assert.deepEqual(table.list().map(e => e.peerId), ['w1'])
    assert.deepEqual(table.prune(), ['w2'])
    t = 2000
    assert.equal(table.size, 0)
  })
})
