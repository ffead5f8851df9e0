import { strict as assert } from 'node:assert'
import type { Libp2p } from 'libp2p'
import { equals } from 'uint8arrays/equals'
import { ATTEST_PROTOCOL, AttestationCache } from '../../protocols/attestation/index.js'
import { certificateSource } from '../../node/roles/trust.js'
import type { CocoonLibp2p } from '../../node/libp2p.js'
import { startAttestNode, type AttestServices } from '../attestation/attest-node.js'
import { devRegistry, makeAuthority, makeWorker, ManualClock, thrown, type TestWorker } from '../attestation/fixtures.js'

/** Whether `promise` settles within `ms`. */
async function settlesWithin (promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<false>(resolve => { timer = setTimeout(() => { resolve(false) }, ms) })
  try {
    return await Promise.race([promise.then(() => true, () => true), late])
  } finally {
    clearTimeout(timer)
  }
}

const REUSE_MS = 30_000

describe('node: the proxy\'s certificate source', function () {
  const clock = new ManualClock(Date.now())
  let worker: TestWorker
  let workerNode: Libp2p<AttestServices>
  let proxyNode: Libp2p<AttestServices>
  let cache: AttestationCache
  /** Each fetch over /cocoon/attest/1.0.0 waits for the gate of its turn (open unless a test holds it). */
  let gates: Array<PromiseWithResolvers<void> | undefined>
  let fetches: number
  /** The stream opening of every fetch so far (each waits for its gate first). */
  let dials: Array<Promise<unknown>>
  let source: ReturnType<typeof certificateSource>

  before(async function () {
    const authority = await makeAuthority(clock)
    worker = await makeWorker(authority, clock)
    const registry = devRegistry(authority)
    worker.register(registry)
    cache = new AttestationCache({ registry, now: clock.now })
    workerNode = await startAttestNode(worker.privateKey, { bundle: { certificate: worker.issued.bytes, collateral: worker.issued.collateral } })
    proxyNode = await startAttestNode()
    await proxyNode.peerStore.patch(workerNode.peerId, { multiaddrs: workerNode.getMultiaddrs() })
  })

  after(async function () {
    await Promise.all([workerNode?.stop(), proxyNode?.stop()])
  })

  beforeEach(function () {
    gates = []
    fetches = 0
    dials = []
    const counted = {
      dialProtocol: async (...args: Parameters<Libp2p['dialProtocol']>) => {
        const held = gates[fetches++]
        const dial = (async () => {
          if (held != null) await held.promise
          return await proxyNode.dialProtocol(...args)
        })()
        dials.push(dial.catch(() => {}))
        return await dial
      }
    }
    source = certificateSource(counted as unknown as CocoonLibp2p, cache, { reuseMs: REUSE_MS, now: clock.now })
  })

  /** Until no attest stream is open on the proxy: every fetch started has ended (and what waited on it ran). */
  async function fetchesDone (): Promise<void> {
    await Promise.all(dials)
    const deadline = Date.now() + 5000
    while (proxyNode.getConnections().some(c => c.streams.some(st => st.protocol === ATTEST_PROTOCOL))) {
      if (Date.now() > deadline) throw new Error('an attest stream stayed open')
      await new Promise(resolve => setTimeout(resolve, 5))
    }
    await new Promise(resolve => setImmediate(resolve))
  }

  const ask = async (expectedHash?: Uint8Array): ReturnType<typeof source> => await source(workerNode.peerId, AbortSignal.timeout(10_000), expectedHash)

  it('fetches a worker\'s certificate once and reuses it within reuseMs, verified on every use', async function () {
    const first = await ask()
    assert.ok(equals(first.certificate, worker.issued.bytes))
    assert.ok(equals(first.hash, worker.issued.hash))
    clock.advanceSeconds(REUSE_MS / 1000 - 1)
    const again = await ask(worker.issued.hash)
    assert.ok(equals(again.certificate, worker.issued.bytes))
    assert.equal(fetches, 1)
  })

  it('past reuseMs, answers at once with the held certificate while one fetch runs in the background', async function () {
    await ask()
    const refetch = Promise.withResolvers<void>()
    gates[1] = refetch
    clock.advanceSeconds(REUSE_MS / 1000 + 1)
    // The re-fetch is held open, and still both answers come: no job waits for it.
    assert.equal(await settlesWithin(ask(), 2000), true)
    assert.equal(await settlesWithin(ask(), 2000), true)
    assert.equal(fetches, 2, 'one re-fetch for both')
    refetch.resolve()
    await fetchesDone()
    // The re-fetched bundle took over, with its own time: reused for another reuseMs, then re-fetched in turn.
    clock.advanceSeconds(REUSE_MS / 1000 - 1)
    await ask()
    assert.equal(fetches, 2)
    clock.advanceSeconds(2)
    await ask()
    assert.equal(fetches, 3)
  })

  it('a caller expecting another certificate hash waits for a fetch at once', async function () {
    await ask()
    const renewal = Promise.withResolvers<void>()
    gates[1] = renewal
    const expecting = ask(new Uint8Array(32).fill(7))
    assert.equal(await settlesWithin(expecting, 300), false, 'it waits for the fetch')
    assert.equal(fetches, 2)
    renewal.resolve()
    assert.ok(equals((await expecting).certificate, worker.issued.bytes))
  })

  it('a failed re-fetch drops the held certificate: the next use fetches in the open and meets the error', async function () {
    await ask()
    const refetch = Promise.withResolvers<void>()
    gates[1] = refetch
    clock.advanceSeconds(REUSE_MS / 1000 + 1)
    await ask()
    refetch.reject(new Error('worker unreachable'))
    await new Promise(resolve => setImmediate(resolve))
    const failing = Promise.withResolvers<void>()
    gates[2] = failing
    failing.reject(new Error('still unreachable'))
    const err = await thrown(async () => await ask())
    assert.match(err.message, /still unreachable/)
    assert.equal(fetches, 3)
    // The error is not kept either: the next use fetches again.
    assert.ok(equals((await ask()).certificate, worker.issued.bytes))
    assert.equal(fetches, 4)
  })
})

