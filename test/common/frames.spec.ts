import assert from 'node:assert/strict'
import { streamPair } from '@libp2p/utils'
import { CocoonError } from '../../protocols/common/errors.js'
import { encodeFrame, FrameStream } from '../../protocols/common/frames.js'
import { TestFrame } from './test-messages.js'
import type { Stream } from '@libp2p/interface'

async function pair (opts: { maxFrameBytes?: number, readTimeoutMs?: number, maxBufferedBytes?: number } = {}): Promise<[FrameStream, FrameStream, Stream, Stream]> {
  const [a, b] = await streamPair()
  const options = { maxFrameBytes: opts.maxFrameBytes ?? 64 * 1024, readTimeoutMs: opts.readTimeoutMs ?? 5000, maxBufferedBytes: opts.maxBufferedBytes }
  return [new FrameStream(a, options), new FrameStream(b, options), a, b]
}

async function rejectsWith (p: Promise<unknown>, code: string, reason?: string): Promise<CocoonError> {
  let caught: unknown
  try { await p } catch (err) { caught = err }
  assert.ok(caught instanceof CocoonError, `expected a CocoonError ${code}, got ${String(caught)}`)
  assert.equal(caught.code, code, caught.message)
  if (reason !== undefined) assert.equal(caught.data?.reason, reason, caught.message)
  return caught
}

describe('FrameStream', () => {
  it('round-trips many frames both ways, then ends cleanly', async () => {
    const [a, b] = await pair()
    const count = 300
    const sending = (async () => {
      for (let i = 0; i < count; i++) {
        await a.write(TestFrame, { seq: i, text: `token ${i}`, body: new Uint8Array(i % 50).fill(i & 0xff) })
      }
      await a.closeWrite()
    })()
    for (let i = 0; i < count; i++) {
      const msg = await b.read(TestFrame)
      assert.equal(msg.seq, i)
      assert.equal(msg.text, `token ${i}`)
      assert.deepEqual(msg.body, new Uint8Array(i % 50).fill(i & 0xff))
    }
    assert.equal(await b.readOrEnd(TestFrame), undefined)
    await sending

    await b.write(TestFrame, { seq: 1, text: 'reply', body: new Uint8Array() })
    assert.equal((await a.read(TestFrame)).text, 'reply')
  })

  it('writeMany sends several frames in one send; the reader sees them as separate frames, already buffered', async () => {
    const [a, b, rawA] = await pair()
    let sends = 0
    const send = rawA.send.bind(rawA)
    rawA.send = (data) => { sends++; return send(data) }
    await a.writeMany(TestFrame, [1, 2, 3].map(seq => ({ seq, text: `t${seq}`, body: new Uint8Array(seq) })))
    assert.equal(sends, 1)
    assert.equal((await b.read(TestFrame)).seq, 1)
    assert.equal(b.hasBufferedFrame, true, 'the rest of the batch is buffered')
    assert.equal((await b.read(TestFrame)).seq, 2)
    assert.equal((await b.read(TestFrame)).seq, 3)
    assert.equal(b.hasBufferedFrame, false)
    await rejectsWith(a.writeMany(TestFrame, [{ seq: 1, text: '', body: new Uint8Array() }, { seq: 2, text: '', body: new Uint8Array(70 * 1024) }]), 'FRAME_TOO_LARGE')
    assert.equal(sends, 1, 'a batch with one oversized frame sends nothing')
  })

  it('an empty message is a zero-length frame and still arrives', async () => {
    const [a, b] = await pair()
    await a.write(TestFrame, { seq: 0, text: '', body: new Uint8Array() })
    assert.deepEqual(await b.read(TestFrame), { seq: 0, text: '', body: new Uint8Array() })
  })

  it('a frame over the limit fails FRAME_TOO_LARGE and aborts the stream', async () => {
    const [rawA, rawB] = await streamPair()
    const reader = new FrameStream(rawB, { maxFrameBytes: 1024, readTimeoutMs: 5000 })
    const writer = new FrameStream(rawA, { maxFrameBytes: 1024 * 1024, readTimeoutMs: 5000 })
    const reading = reader.read(TestFrame)
    await writer.write(TestFrame, { seq: 1, text: '', body: new Uint8Array(4096) })
    await rejectsWith(reading, 'FRAME_TOO_LARGE', 'OVER_LIMIT')
    assert.equal(rawB.status, 'aborted')
    // the sender learns its stream is gone
    await rejectsWith(writer.read(TestFrame), 'MALFORMED', 'STREAM_RESET')
  })

  it('refuses to send a frame over its own limit, and sends nothing', async () => {
    const [a, b] = await pair({ maxFrameBytes: 100, readTimeoutMs: 300 })
    await rejectsWith(a.write(TestFrame, { seq: 1, text: '', body: new Uint8Array(200) }), 'FRAME_TOO_LARGE')
    await a.write(TestFrame, { seq: 2, text: 'small', body: new Uint8Array() })
    assert.equal((await b.read(TestFrame)).seq, 2)
  })

  it('garbage that does not decode fails MALFORMED and the next frame still reads', async () => {
    const [a, b, rawA] = await pair()
    // field 1 with wire type 7, which does not exist
    rawA.send(encodeFrame(Uint8Array.from([0x0f, 0xff, 0xff, 0xff])))
    await rejectsWith(b.read(TestFrame), 'MALFORMED', 'UNDECODABLE')
    await a.write(TestFrame, { seq: 9, text: 'after garbage', body: new Uint8Array() })
    assert.equal((await b.read(TestFrame)).text, 'after garbage')
  })

  it('a peer that never writes fails TIMEOUT at the deadline, and nothing is lost', async () => {
    const [a, b] = await pair({ readTimeoutMs: 300 })
    const started = Date.now()
    await rejectsWith(b.read(TestFrame), 'TIMEOUT')
    const elapsed = Date.now() - started
    assert.ok(elapsed >= 290, `timed out early, after ${elapsed} ms`)
    // a per-read deadline overrides the default
    const shortStart = Date.now()
    await rejectsWith(b.read(TestFrame, { timeoutMs: 50 }), 'TIMEOUT')
    assert.ok(Date.now() - shortStart < 290)
    await a.write(TestFrame, { seq: 3, text: 'late', body: new Uint8Array() })
    assert.equal((await b.read(TestFrame)).text, 'late')
  })

  it('a timeout in the middle of a frame keeps the partial bytes for the next read', async () => {
    const [, b, rawA] = await pair({ readTimeoutMs: 200 })
    const frame = encodeFrame(TestFrame.encode({ seq: 5, text: 'split in two', body: new Uint8Array(10) })).subarray()
    rawA.send(frame.subarray(0, 6))
    await rejectsWith(b.read(TestFrame), 'TIMEOUT')
    rawA.send(frame.subarray(6))
    assert.equal((await b.read(TestFrame)).text, 'split in two')
  })

  it('clean close: readOrEnd gives undefined, read fails STREAM_CLOSED', async () => {
    const [a, b] = await pair()
    await a.write(TestFrame, { seq: 1, text: 'last', body: new Uint8Array() })
    await a.closeWrite()
    assert.equal((await b.readOrEnd(TestFrame))?.text, 'last')
    assert.equal(await b.readOrEnd(TestFrame), undefined)
    await rejectsWith(b.read(TestFrame), 'MALFORMED', 'STREAM_CLOSED')
  })

  it('a stream that ends inside a frame fails TRUNCATED', async () => {
    const [a, b, rawA] = await pair()
    const frame = encodeFrame(TestFrame.encode({ seq: 5, text: 'cut short', body: new Uint8Array(10) })).subarray()
    rawA.send(frame.subarray(0, frame.byteLength - 3))
    await a.closeWrite()
    await rejectsWith(b.readOrEnd(TestFrame), 'MALFORMED', 'TRUNCATED')
  })

  it('a reset fails pending reads with STREAM_RESET, and writes after it fail too', async () => {
    const [a, b] = await pair()
    const reading = b.read(TestFrame)
    a.abort(new Error('worker crashed'))
    await rejectsWith(reading, 'MALFORMED', 'STREAM_RESET')
    await rejectsWith(b.write(TestFrame, { seq: 1, text: 'x', body: new Uint8Array() }), 'MALFORMED')
  })

  it('a caller signal cancels a read with CANCELLED', async () => {
    const [, b] = await pair()
    const controller = new AbortController()
    const reading = b.read(TestFrame, { signal: controller.signal })
    setTimeout(() => { controller.abort() }, 20)
    await rejectsWith(reading, 'CANCELLED')
    await rejectsWith(b.read(TestFrame, { signal: controller.signal }), 'CANCELLED')
  })

  it('takes over a stream its handler paused, including bytes that arrived meanwhile', async () => {
    const [rawA, rawB] = await streamPair()
    rawB.pause()
    rawA.send(encodeFrame(TestFrame.encode({ seq: 1, text: 'early', body: new Uint8Array() })))
    await new Promise(resolve => setTimeout(resolve, 20))
    const reader = new FrameStream(rawB, { maxFrameBytes: 1024, readTimeoutMs: 2000 })
    assert.equal((await reader.read(TestFrame)).text, 'early')
  })

  it('rejects nonsensical options', async () => {
    const [raw] = await streamPair()
    assert.throws(() => new FrameStream(raw, { maxFrameBytes: 0, readTimeoutMs: 100 }), (err: any) => err.code === 'BAD_REQUEST')
    assert.throws(() => new FrameStream(raw, { maxFrameBytes: 100, readTimeoutMs: Number.NaN }), (err: any) => err.code === 'BAD_REQUEST')
    assert.throws(() => new FrameStream(raw, { maxFrameBytes: 100, readTimeoutMs: 100, writeTimeoutMs: -1 }), (err: any) => err.code === 'BAD_REQUEST')
  })

  it('refuses two concurrent reads', async () => {
    const [a, b] = await pair()
    const first = b.read(TestFrame)
    await rejectsWith(b.read(TestFrame), 'INTERNAL')
    await a.write(TestFrame, { seq: 1, text: 'one', body: new Uint8Array() })
    assert.equal((await first).text, 'one')
  })

  it('under backpressure a large volume arrives complete and in order', async () => {
    const [rawA, rawB] = await streamPair({ capacity: 4 })
    let pauses = 0
    const pause = rawB.pause.bind(rawB)
    rawB.pause = () => { pauses++; pause() }
    let drainWaits = 0
    const onDrain = rawA.onDrain.bind(rawA)
    rawA.onDrain = async (opts) => { drainWaits++; await onDrain(opts) }

    const maxFrameBytes = 32 * 1024
    const writer = new FrameStream(rawA, { maxFrameBytes, readTimeoutMs: 20_000 })
    const reader = new FrameStream(rawB, { maxFrameBytes, readTimeoutMs: 20_000, maxBufferedBytes: maxFrameBytes * 2 })
    const count = 400
    const bodyFor = (i: number): Uint8Array<ArrayBuffer> => new Uint8Array(16 * 1024 + (i % 7) * 1024).fill(i % 251)
    const sending = (async () => {
      for (let i = 0; i < count; i++) await writer.write(TestFrame, { seq: i, text: `#${i}`, body: bodyFor(i) })
      await writer.closeWrite()
    })()
    let received = 0
    for (let msg = await reader.readOrEnd(TestFrame); msg !== undefined; msg = await reader.readOrEnd(TestFrame)) {
      assert.equal(msg.seq, received)
      assert.equal(msg.text, `#${received}`)
      assert.deepEqual(msg.body, bodyFor(received))
      received++
      // a slow consumer: the writer must wait rather than the reader buffer everything
      if (received % 50 === 0) await new Promise(resolve => setTimeout(resolve, 10))
    }
    await sending
    assert.equal(received, count)
    assert.ok(pauses > 0, 'the reader never paused the stream')
    assert.ok(drainWaits > 0, 'the writer never waited for a drain')
  })
})
