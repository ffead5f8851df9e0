import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Stream } from '@libp2p/interface'
import { buildLibp2p, type CocoonLibp2p } from '../../node/libp2p.js'

const PROTOCOL = '/cocoon/test/window/1.0.0'

/**
 * patches/@libp2p+yamux+*.patch (applied by `npm install` through patch-package): a receiver sends a window update
 * only once half its window is consumed, as go-yamux and rust-yamux do, instead of one update frame per data frame.
 * Streamed answers are many small frames, so the unpatched library doubled the frames (and socket writes) of
 * every relay hop. This checks the behaviour on a real connection, so an upgrade that drops the patch fails here.
 */
describe('yamux window updates (patched library)', function () {
  this.timeout(30_000)
  let a: CocoonLibp2p
  let b: CocoonLibp2p

  before(async () => {
    ;[a, b] = await Promise.all([0, 1].map(async () => buildLibp2p({ role: 'proxy', privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [] })))
    await Promise.all([a.start(), b.start()])
  })
  after(async () => { await Promise.all([a?.stop(), b?.stop()]) })

  async function sendWindowAfter (bytes: number, frameBytes: number): Promise<{ initial: number, after: number }> {
    let received = 0
    const done = Promise.withResolvers<void>()
    await b.handle(PROTOCOL, (stream: Stream) => {
      stream.addEventListener('message', (e) => {
        received += e.data.byteLength
        if (received >= bytes) done.resolve()
      })
    })
    try {
      const stream = await a.dialProtocol(b.getMultiaddrs()[0], PROTOCOL)
      const window = (): number => (stream as unknown as { sendWindowCapacity: number }).sendWindowCapacity
      assert.equal(typeof window(), 'number', 'the dialled stream is the yamux stream')
      const initial = window()
      for (let sent = 0; sent < bytes; sent += frameBytes) {
        stream.send(new Uint8Array(frameBytes))
        await new Promise(resolve => setImmediate(resolve))
      }
      await done.promise
      // anything the receiver sent back has arrived by now
      await new Promise(resolve => setTimeout(resolve, 200))
      const after = window()
      stream.abort(new Error('done'))
      return { initial, after }
    } finally {
      await b.unhandle(PROTOCOL)
    }
  }

  it('sends no update for small streamed frames until half the window is used', async () => {
    const { initial, after } = await sendWindowAfter(200 * 64, 64)
    assert.equal(after, initial - 200 * 64, 'no window update came back for 200 small frames')
  })

  it('still sends one once half the window is consumed, so a large transfer never stalls', async () => {
    const { initial, after } = await sendWindowAfter(3 * 256 * 1024, 16 * 1024)
    assert.ok(after > 0, `send window replenished (${after}, started at ${initial})`)
  })
})
