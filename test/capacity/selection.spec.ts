import assert from 'node:assert/strict'
import { rankWorkers, selectWorker, WorkerStats, type CapacityEntry } from '../../protocols/capacity/index.js'
import { announcement } from './fixtures.js'

function entry (peerId: string, over: Parameters<typeof announcement>[1] = {}): CapacityEntry {
  return { peerId, announcement: announcement(new Uint8Array([1]), over), receivedAt: 0 }
}

describe('worker selection', () => {
  const req = { model: 'cocoon-tiny', maxPriceNanoPerToken: 0n, exclude: new Set<string>() }
  const fresh = new WorkerStats()

  it('never picks a worker without free slots, above the price limit, excluded, or not serving the model', () => {
    const entries = [
      entry('full', { freeSlots: 0 }),
      entry('dear', { models: [{ id: 'cocoon-tiny', sha256: new Uint8Array(32), contextLength: 1, priceNanoPerToken: 10_000n }] }),
      entry('excluded'),
      entry('other', { models: [{ id: 'x', sha256: new Uint8Array(32), contextLength: 1, priceNanoPerToken: 1n }] }),
      entry('ok')
    ]
    const ranked = rankWorkers(entries, { ...req, maxPriceNanoPerToken: 5000n, exclude: new Set(['excluded']) }, p => fresh.observe(p))
    assert.deepEqual(ranked.map(c => c.entry.peerId), ['ok'])
  })

  it('prefers faster, cheaper, more reliable workers and counts its own in-flight jobs', () => {
    const stats = new WorkerStats()
    const entries = [entry('slow', { tokensPerSecond: 10 }), entry('fast', { tokensPerSecond: 100 })]
    assert.equal(rankWorkers(entries, req, p => stats.observe(p))[0].entry.peerId, 'fast')
    for (let i = 0; i < 8; i++) { stats.begin('fast'); stats.end('fast', false) }
    assert.equal(rankWorkers(entries, req, p => stats.observe(p))[0].entry.peerId, 'slow')
    const busy = new WorkerStats()
    for (let i = 0; i < 4; i++) busy.begin('fast')
    assert.deepEqual(rankWorkers(entries, req, p => busy.observe(p)).map(c => c.entry.peerId), ['slow'])
  })

  it('does not count its own running jobs twice (the announcement already excludes them)', () => {
    const stats = new WorkerStats()
    stats.begin('w')
    stats.begin('w')
    // 4 slots, 2 taken by our own jobs: announced free 2, in flight 2 -> still 2 free, not 0.
    const ranked = rankWorkers([entry('w', { slots: 4, freeSlots: 2 })], req, p => stats.observe(p))
    assert.deepEqual(ranked.map(c => c.entry.peerId), ['w'])
    // A stale announcement (still 4 free) does not hide the 3 jobs we started since.
    stats.begin('w')
    stats.begin('w')
    assert.deepEqual(rankWorkers([entry('w', { slots: 4, freeSlots: 4 })], req, p => stats.observe(p)).map(c => c.entry.peerId), [])
  })

  it('spreads load between equal workers', () => {
    const entries = [entry('a'), entry('b')]
    let seed = 1
    const random = (): number => { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
    const counts = { a: 0, b: 0 } as Record<string, number>
    for (let i = 0; i < 200; i++) counts[selectWorker(entries, req, p => fresh.observe(p), random)!.entry.peerId]++
    assert.ok(counts.a > 60 && counts.b > 60, JSON.stringify(counts))
  })

  it('returns undefined when no one can take the job', () => {
    assert.equal(selectWorker([entry('full', { freeSlots: 0 })], req, p => fresh.observe(p)), undefined)
  })
})
