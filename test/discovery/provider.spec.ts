import assert from 'node:assert/strict'
import type { ContentRouting, Libp2pEvents, TypedEventTarget } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { KeyProvider, keyFor } from '../../protocols/discovery/index.js'

/**
 * A test double for the DHT's provider records: each provide() stores the key until `ttlMs` later, as a DHT
 * node forgets a record nobody provided again. `hang` makes provide() wait for its abort signal instead.
 */
class ExpiringRouting {
  readonly calls: Array<{ key: string, at: number }> = []
  private readonly expiry = new Map<string, number>()
  hang = false

  constructor (private readonly ttlMs: number) {}

  readonly routing = {
    provide: async (key: CID, options?: { signal?: AbortSignal }): Promise<void> => {
      this.calls.push({ key: key.toString(), at: Date.now() })
      if (this.hang) {
        await new Promise((_resolve, reject) => options?.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true }))
      }
      this.expiry.set(key.toString(), Date.now() + this.ttlMs)
    }
  } as unknown as ContentRouting

  has (key: CID): boolean {
    return (this.expiry.get(key.toString()) ?? 0) > Date.now()
  }
}

const sleep = async (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

function provider (dht: ExpiringRouting, intervalMs: number): KeyProvider {
  const events = new EventTarget() as unknown as TypedEventTarget<Libp2pEvents>
  return new KeyProvider({ contentRouting: dht.routing, events, connectedPeers: () => 1 }, { reprovideIntervalMs: intervalMs })
}

describe('KeyProvider re-provides its keys', function () {
  this.timeout(10_000)
  it('provides at start and again every interval, so a record outlives its TTL; stop() ends it', async () => {
    // A TTL five intervals long, so a loaded machine's late timers do not make the record lapse.
    const dht = new ExpiringRouting(500)
    const key = await keyFor('/cocoon/test-key')
    const p = provider(dht, 100)
    p.add('test', key)
    await p.start()
    const startedAt = Date.now()
    // Four record lifetimes: without re-providing, the record would lapse 500 ms in.
    while (Date.now() - startedAt < 2000) {
      assert.ok(dht.has(key), `record lapsed ${Date.now() - startedAt} ms after start`)
      await sleep(25)
    }
    const gaps = dht.calls.slice(1).map((c, i) => c.at - dht.calls[i].at)
    assert.ok(dht.calls.length >= 5, `${dht.calls.length} provides in 2 s`)
    assert.ok(gaps.every(g => g < 500), `gaps ${gaps.join(', ')} ms: one is longer than the TTL`)

    await p.stop()
    const after = dht.calls.length
    await sleep(700)
    assert.equal(dht.calls.length, after, 'no provide after stop()')
    assert.equal(dht.has(key), false, 'the record lapses once nobody re-provides it')
  })

  it('a key added while running is provided at once, not at the next interval', async () => {
    const dht = new ExpiringRouting(10_000)
    const p = provider(dht, 60_000)
    await p.start()
    const key = await keyFor('/cocoon/late-key')
    p.add('late', key)
    await sleep(50)
    assert.ok(dht.has(key))
    await p.stop()
  })

  it('stop() aborts a provide that is still running instead of waiting out its 30 s timeout', async () => {
    const dht = new ExpiringRouting(10_000)
    dht.hang = true
    const p = provider(dht, 60_000)
    p.add('stuck', await keyFor('/cocoon/stuck-key'))
    await p.start()
    await sleep(50)
    assert.equal(dht.calls.length, 1)
    const t0 = Date.now()
    await p.stop()
    assert.ok(Date.now() - t0 < 1000, `stop() took ${Date.now() - t0} ms`)
  })
})
