import assert from 'node:assert/strict'
import { whenQuiet } from '../../protocols/common/quiet.js'

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

describe('background work held while a job starts (whenQuiet)', () => {
  it('runs after its delay when no job is starting', async () => {
    let ran = 0
    whenQuiet(() => { ran++ }, 20, { busy: () => false })
    await sleep(5)
    assert.equal(ran, 0)
    await sleep(40)
    assert.equal(ran, 1)
  })

  it('waits while a job is starting, and runs soon after it has its first token', async () => {
    let starting = true
    let ranAt: number | undefined
    const t0 = performance.now()
    whenQuiet(() => { ranAt = performance.now() - t0 }, 10, { busy: () => starting, retryMs: 2, maxHoldMs: 1000 })
    await sleep(60)
    assert.equal(ranAt, undefined, 'held')
    // Measured, not assumed: Node's timers may fire up to a millisecond before performance.now() says they are due.
    const releasedAt = performance.now() - t0
    starting = false
    await sleep(30)
    assert.ok(ranAt != null && ranAt >= releasedAt && ranAt < releasedAt + 30, `ran ${ranAt} ms after it was asked for, released at ${releasedAt} ms`)
  })

  it('runs after maxHoldMs even if jobs keep starting, and never when cancelled', async () => {
    let ran = 0
    whenQuiet(() => { ran++ }, 5, { busy: () => true, retryMs: 2, maxHoldMs: 30 })
    const cancelled = whenQuiet(() => { ran += 100 }, 5, { busy: () => true, retryMs: 2, maxHoldMs: 30 })
    await sleep(15)
    cancelled.cancel()
    assert.equal(ran, 0)
    await sleep(60)
    assert.equal(ran, 1, 'the hold has a limit; the cancelled one never ran')
  })
})
