import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { ContentRouting, PeerInfo } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { findProviders, keyFor } from '../../protocols/discovery/index.js'

async function peer (): Promise<PeerInfo> {
  return { id: peerIdFromPrivateKey(await generateKeyPair('Ed25519')), multiaddrs: [] }
}

/** A test double for a DHT query: yields `found`, then hangs until its signal aborts (as kad-dht's query does). */
function slowRouting (found: PeerInfo[]): ContentRouting {
  return {
    async * findProviders (_key: unknown, options?: { signal?: AbortSignal }) {
      for (const p of found) yield p
      const signal = options?.signal
      await new Promise((_resolve, reject) => {
        if (signal?.aborted === true) reject(signal.reason)
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true })
      })
    }
  } as unknown as ContentRouting
}

describe('findProviders (DHT lookup) when the time runs out', () => {
  it('returns [] without throwing when the timeout passes and nothing was found', async () => {
    const t0 = Date.now()
    const found = await findProviders(slowRouting([]), await keyFor('/cocoon/nobody'), { timeoutMs: 200 })
    assert.deepEqual(found, [])
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`)
  })

  it('returns what it found before the timeout, de-duplicated and without ourselves', async () => {
    const [a, b, self] = [await peer(), await peer(), await peer()]
    const found = await findProviders(slowRouting([a, self, a, b]), await keyFor('/cocoon/some'), { timeoutMs: 200, self: self.id })
    assert.deepEqual(found.map(p => p.id.toString()), [a.id.toString(), b.id.toString()])
  })

  it('stops at the limit without waiting for the timeout', async () => {
    const [a, b] = [await peer(), await peer()]
    const t0 = Date.now()
    const found = await findProviders(slowRouting([a, b]), await keyFor('/cocoon/limit'), { limit: 2, timeoutMs: 60_000 })
    assert.equal(found.length, 2)
    assert.ok(Date.now() - t0 < 1000)
  })

  it('a caller\'s own abort is an error, unlike the timeout', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('caller gave up')), 50)
    await assert.rejects(findProviders(slowRouting([await peer()]), await keyFor('/cocoon/aborted'), { timeoutMs: 60_000, signal: controller.signal }), /caller gave up/)
  })
})
