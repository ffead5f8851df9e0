import assert from 'node:assert/strict'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import { FrameStream } from '../../protocols/common/frames.js'
import { TestFrame } from './test-messages.js'
import type { Libp2p, Stream } from '@libp2p/interface'

/**
 * The same framing over real TCP + Noise + Yamux, where pausing a stream withholds the yamux
 * window from the sender. Checks that a slow reader neither loses frames nor gets its stream reset
 * for buffering too much.
 */
const PROTOCOL = '/cocoon/test-frames/1.0.0'

async function node (): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
}

describe('FrameStream over libp2p (tcp + noise + yamux)', () => {
  let server: Libp2p
  let client: Libp2p

  before(async () => {
    server = await node()
    client = await node()
  })

  after(async () => {
    await Promise.all([client?.stop(), server?.stop()])
  })

  it('a slow reader gets every frame of a large transfer, in order', async () => {
    const maxFrameBytes = 64 * 1024
    const count = 320 // ~20 MiB: well past yamux's 256 KiB initial window and the 4 MiB read buffer
    const bodyFor = (i: number): Uint8Array<ArrayBuffer> => new Uint8Array(maxFrameBytes - 64).fill(i % 251)
    let pauses = 0
    const received: Promise<number> = new Promise((resolve, reject) => {
      void server.handle(PROTOCOL, async (stream: Stream) => {
        const pause = stream.pause.bind(stream)
        stream.pause = () => { pauses++; pause() }
        const frames = new FrameStream(stream, { maxFrameBytes, readTimeoutMs: 30_000 })
        try {
          let n = 0
          for (let msg = await frames.readOrEnd(TestFrame); msg !== undefined; msg = await frames.readOrEnd(TestFrame)) {
            if (msg.seq !== n || msg.body.byteLength !== maxFrameBytes - 64 || msg.body[100] !== n % 251) throw new Error(`frame ${n} wrong: seq ${msg.seq}`)
            n++
            // slower than the sender: buffers would grow without pushback
            if (n % 20 === 0) await new Promise(resolve => setTimeout(resolve, 20))
          }
          await frames.write(TestFrame, { seq: n, text: 'done', body: new Uint8Array() })
          await frames.closeWrite()
          resolve(n)
        } catch (err) {
          reject(err)
        }
      })
    })

    const stream = await client.dialProtocol(server.getMultiaddrs()[0], PROTOCOL)
    const frames = new FrameStream(stream, { maxFrameBytes, readTimeoutMs: 30_000 })
    for (let i = 0; i < count; i++) await frames.write(TestFrame, { seq: i, text: '', body: bodyFor(i) })
    await frames.closeWrite()
    const reply = await frames.read(TestFrame)
    assert.equal(reply.text, 'done')
    assert.equal(reply.seq, count)
    assert.equal(await received, count)
    assert.ok(pauses > 0, 'the reader never pushed back')
    assert.equal(await frames.readOrEnd(TestFrame), undefined)
  })
})
