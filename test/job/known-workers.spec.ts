import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { KNOWN_WORKER_TTL_MS, KNOWN_WORKERS_PER_MODEL, KnownWorkers } from '../../protocols/job/index.js'

async function peers (n: number): Promise<PeerId[]> {
  return Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
}

function known (worker: PeerId, price = 10n): { worker: PeerId, certificate: Uint8Array, collateral: Uint8Array, priceNanoPerToken: bigint } {
  return { worker, certificate: new Uint8Array([1]), collateral: new Uint8Array([2]), priceNanoPerToken: price }
}

describe('KnownWorkers (the client fast path)', () => {
  it('knows nothing until a proxy offers a worker, and only for that model', async () => {
    const [a] = await peers(1)
    const k = new KnownWorkers(() => 0)
    assert.equal(k.pick('m'), undefined)
    k.remember('m', known(a))
    assert.ok(k.pick('m')?.worker.equals(a))
    assert.equal(k.pick('other'), undefined)
  })

  it('spreads concurrent jobs: fewest own jobs in flight first, then least recently used', async () => {
    let t = 0
    const [a, b] = await peers(2)
    const k = new KnownWorkers(() => t)
    k.remember('m', known(a))
    k.remember('m', known(b))
    const first = k.pick('m')!.worker
    const endFirst = k.begin('m', first)
    t = 1
    const second = k.pick('m')!.worker
    assert.ok(!second.equals(first), 'the busy worker is not picked while the other is idle')
    const endSecond = k.begin('m', second)
    endFirst()
    endFirst() // ending twice must not count twice
    t = 2
    assert.ok(k.pick('m')!.worker.equals(first))
    endSecond()
    // both idle: the one used longest ago
    assert.ok(k.pick('m')!.worker.equals(first))
  })

  it('forgets a worker a proxy passed over, and every worker once no proxy confirmed it within the TTL', async () => {
    let t = 0
    const [a, b] = await peers(2)
    const k = new KnownWorkers(() => t)
    k.remember('m', known(a))
    t = KNOWN_WORKER_TTL_MS / 2
    k.remember('m', known(b))
    k.forget('m', b)
    assert.ok(k.pick('m')?.worker.equals(a))
    t = KNOWN_WORKER_TTL_MS + 1
    assert.equal(k.pick('m'), undefined, 'a stays only as long as a proxy confirms it')
    k.remember('m', known(a, 12n))
    assert.equal(k.pick('m')?.priceNanoPerToken, 12n, 'a confirmation refreshes the entry and its price')
  })

  it('an accepted pre-sealed job updates the price but does not extend the entry: the proxy\'s own choice is asked again', async () => {
    let t = 0
    const [a] = await peers(1)
    const k = new KnownWorkers(() => t)
    k.remember('m', known(a, 10n))
    t = KNOWN_WORKER_TTL_MS - 1
    k.accepted('m', a, 11n)
    assert.equal(k.pick('m')?.priceNanoPerToken, 11n)
    t = KNOWN_WORKER_TTL_MS + 1
    assert.equal(k.pick('m'), undefined)
  })

  it(`keeps at most ${KNOWN_WORKERS_PER_MODEL} workers per model, the most recently confirmed`, async () => {
    let t = 0
    const ps = await peers(KNOWN_WORKERS_PER_MODEL + 2)
    const k = new KnownWorkers(() => t)
    for (const p of ps) { t++; k.remember('m', known(p)) }
    const seen = new Set<string>()
    for (let i = 0; i < ps.length * 2; i++) {
      const w = k.pick('m')!.worker
      seen.add(w.toString())
      k.begin('m', w)
    }
    assert.equal(seen.size, KNOWN_WORKERS_PER_MODEL)
    assert.ok(!seen.has(ps[0].toString()) && !seen.has(ps[1].toString()), 'the oldest confirmations were dropped')
  })
})
