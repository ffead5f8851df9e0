import assert from 'node:assert/strict'
import { Uint8ArrayList } from 'uint8arraylist'
import { encodeFrame, encodeVarint, FrameDecoder, varintLength } from '../../protocols/common/frame-decoder.js'

describe('frame decoder', () => {
  it('encodes unsigned varints like protobuf', () => {
    assert.deepEqual([...encodeVarint(0)], [0])
    assert.deepEqual([...encodeVarint(127)], [0x7f])
    assert.deepEqual([...encodeVarint(300)], [0xac, 0x02])
    assert.deepEqual([...encodeVarint(2 ** 32)], [0x80, 0x80, 0x80, 0x80, 0x10])
    assert.equal(varintLength(16_383), 2)
    assert.equal(varintLength(16_384), 3)
  })

  it('cuts frames split at every possible byte boundary', () => {
    const payloads = [new Uint8Array(0), Uint8Array.from([1, 2, 3]), new Uint8Array(200).fill(7)]
    const wire = new Uint8ArrayList(...payloads.map(p => encodeFrame(p))).subarray()
    for (let cut = 0; cut <= wire.byteLength; cut++) {
      const decoder = new FrameDecoder(1000)
      const out: Uint8Array[] = []
      for (const part of [wire.subarray(0, cut), wire.subarray(cut)]) {
        decoder.push(part)
        for (let p = decoder.next(); p !== undefined; p = decoder.next()) out.push(p)
      }
      assert.deepEqual(out, payloads, `cut at ${cut}`)
      assert.equal(decoder.bufferedBytes, 0)
    }
  })

  it('waits for the rest of an incomplete prefix or payload without consuming it', () => {
    const decoder = new FrameDecoder(1000)
    decoder.push(Uint8Array.from([0xac]))
    assert.equal(decoder.next(), undefined)
    decoder.push(Uint8Array.from([0x02, 1, 2]))
    assert.equal(decoder.next(), undefined)
    assert.equal(decoder.bufferedBytes, 4)
  })

  it('refuses a frame over the limit as soon as the prefix is known', () => {
    const decoder = new FrameDecoder(100)
    decoder.push(encodeVarint(101))
    assert.throws(() => decoder.next(), (err: any) => err.code === 'FRAME_TOO_LARGE' && err.data.reason === 'OVER_LIMIT' && err.data.length === 101)
    const exact = new FrameDecoder(100)
    exact.push(encodeFrame(new Uint8Array(100)))
    assert.equal(exact.next()?.byteLength, 100)
  })

  it('refuses a length prefix longer than any allowed length', () => {
    const decoder = new FrameDecoder(100) // one prefix byte is enough for 100
    decoder.push(Uint8Array.from([0x80, 0x80, 0x80]))
    assert.throws(() => decoder.next(), (err: any) => err.code === 'FRAME_TOO_LARGE')
  })

  it('rejects a nonsensical limit', () => {
    assert.throws(() => new FrameDecoder(0), (err: any) => err.code === 'BAD_REQUEST')
  })
})
