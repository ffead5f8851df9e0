import assert from 'node:assert/strict'
import { TokenBatcher } from '../../models/thread/token-batcher.js'

/** A batcher on a hand-driven clock: `advance` moves time and fires due timers. */
function driven (intervalMs: number): { batcher: TokenBatcher, sent: string[], advance: (ms: number) => void, timers: () => number } {
  let now = 1000
  let timers: Array<{ at: number, fn: () => void }> = []
  const sent: string[] = []
  const batcher = new TokenBatcher({
    intervalMs,
    send: (text) => { sent.push(text) },
    now: () => now,
    setTimer: (fn, ms) => { const t = { at: now + ms, fn }; timers.push(t); return t },
    clearTimer: (t) => { timers = timers.filter(x => x !== t) }
  })
  const advance = (ms: number): void => {
    now += ms
    const due = timers.filter(t => t.at <= now)
    timers = timers.filter(t => t.at > now)
    for (const t of due) t.fn()
  }
  return { batcher, sent, advance, timers: () => timers.length }
}

describe('models: token batches between the engine thread and the main thread', () => {
  it('sends the first token at once and holds later ones until the interval since the last send has passed', () => {
    const { batcher, sent, advance } = driven(20)
    batcher.push('a')
    assert.deepEqual(sent, ['a'])
    advance(5); batcher.push('b')
    advance(5); batcher.push('c')
    assert.deepEqual(sent, ['a'], 'held within 20 ms of the last send')
    advance(9)
    assert.deepEqual(sent, ['a'])
    advance(1)
    assert.deepEqual(sent, ['a', 'bc'], 'sent together when the interval is up')
  })

  it('sends each token at once when they come slower than the interval', () => {
    const { batcher, sent, advance, timers } = driven(20)
    for (const t of ['x', 'y', 'z']) { batcher.push(t); advance(25) }
    assert.deepEqual(sent, ['x', 'y', 'z'])
    assert.equal(timers(), 0)
  })

  it('hands back what it still holds at the end and stops its timer; empty texts are ignored', () => {
    const { batcher, sent, advance, timers } = driven(20)
    batcher.push('')
    assert.deepEqual(sent, [])
    batcher.push('one')
    batcher.push(' two')
    assert.equal(timers(), 1)
    assert.equal(batcher.finish(), ' two')
    assert.equal(timers(), 0)
    advance(100)
    assert.deepEqual(sent, ['one'], 'nothing is sent after finish')
    assert.equal(batcher.finish(), '')
  })

  it('with an interval of 0 sends every token as it comes', () => {
    const { batcher, sent } = driven(0)
    for (const t of ['1', '2', '3']) batcher.push(t)
    assert.deepEqual(sent, ['1', '2', '3'])
  })
})
