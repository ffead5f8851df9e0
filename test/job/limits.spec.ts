import assert from 'node:assert/strict'
import { ClientLimits, takeFresh } from '../../protocols/job/index.js'

describe('ClientLimits', () => {
  it('caps concurrent jobs per client and frees a slot on release', () => {
    const limits = new ClientLimits({ maxConcurrent: 2, ratePerSecond: 100, burst: 100, clock: () => 0 })
    const a = limits.admit('c1')
    const b = limits.admit('c1')
    const c = limits.admit('c1')
    assert.ok(a.ok && b.ok)
    assert.equal(c.ok, false)
    assert.ok(limits.admit('c2').ok, 'another client is not affected')
    if (a.ok) { a.release(); a.release() }
    assert.ok(limits.admit('c1').ok)
    assert.equal(limits.admit('c1').ok, false, 'double release must not free two slots')
  })

  it('limits the start rate with a token bucket that refills over time', () => {
    let t = 0
    const limits = new ClientLimits({ maxConcurrent: 1000, ratePerSecond: 2, burst: 3, clock: () => t })
    const results = Array.from({ length: 4 }, () => limits.admit('c').ok)
    assert.deepEqual(results, [true, true, true, false])
    t = 500
    assert.equal(limits.admit('c').ok, true)
    assert.equal(limits.admit('c').ok, false)
  })
})

describe('failover replay (takeFresh)', () => {
  it('swallows the replayed prefix and yields only new text', () => {
    assert.equal(takeFresh('hello wor', 'hel'), '')
    assert.equal(takeFresh('hello wor', 'hello world'), 'ld')
    assert.equal(takeFresh('', 'abc'), 'abc')
  })

  it('fails with WORKER_LOST when the replacement diverges', () => {
    assert.throws(() => takeFresh('hello', 'help'), (e: Error & { code?: string }) => e.code === 'WORKER_LOST')
    assert.throws(() => takeFresh('hello', 'hex'), (e: Error & { code?: string }) => e.code === 'WORKER_LOST')
  })
})
