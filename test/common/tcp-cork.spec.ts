import assert from 'node:assert/strict'
import { Socket } from 'node:net'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Stream } from '@libp2p/interface'
import { buildLibp2p, type CocoonLibp2p } from '../../node/libp2p.js'

const PROTOCOL = '/cocoon/test/cork/1.0.0'
const FRAMES = 100

type WriteFn = (chunk: Buffer, encoding: BufferEncoding, cb: (err?: Error | null) => void) => void
type WritevFn = (chunks: Array<{ chunk: Buffer }>, cb: (err?: Error | null) => void) => void

/**
 * patches/@libp2p+tcp+*.patch (applied by `npm install` through patch-package): noise hands TCP each encrypted
 * frame as two chunks, its 2-byte length and its ciphertext, and unpatched @libp2p/tcp wrote them with one socket
 * write each. Corked, they leave together in one writev. Gossip and streamed answers are many small frames, so
 * those syscalls were ~10% of a gossiping node's CPU (bench/swarm.ts). An upgrade that drops the patch fails here.
 */
describe('TCP writes of encrypted frames (patched library)', function () {
  this.timeout(30_000)
  let a: CocoonLibp2p
  let b: CocoonLibp2p
  const proto = Socket.prototype as unknown as { _write: WriteFn, _writev: WritevFn }
  const original = { write: proto._write, writev: proto._writev }

  before(async () => {
    ;[a, b] = await Promise.all([0, 1].map(async () => buildLibp2p({ role: 'proxy', privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [] })))
    await Promise.all([a.start(), b.start()])
  })
  after(async () => {
    proto._write = original.write
    proto._writev = original.writev
    await Promise.all([a?.stop(), b?.stop()])
  })

  it('sends each frame\'s length and ciphertext in one writev, never the 2-byte length alone', async () => {
    let received = 0
    const done = Promise.withResolvers<void>()
    await b.handle(PROTOCOL, (stream: Stream) => {
      stream.addEventListener('message', () => { if (++received >= FRAMES) done.resolve() })
    })
    const stream = await a.dialProtocol(b.getMultiaddrs()[0], PROTOCOL)
    const lone: number[] = []
    let writevs = 0
    proto._write = function (this: Socket, chunk, encoding, cb) {
      lone.push(chunk.byteLength)
      return original.write.call(this, chunk, encoding, cb)
    }
    proto._writev = function (this: Socket, chunks, cb) {
      writevs++
      return original.writev.call(this, chunks, cb)
    }
    try {
      for (let i = 0; i < FRAMES; i++) {
        stream.send(new Uint8Array(64).fill(i))
        await new Promise(resolve => setImmediate(resolve))
      }
      await done.promise
    } finally {
      proto._write = original.write
      proto._writev = original.writev
      stream.abort(new Error('done'))
      await b.unhandle(PROTOCOL)
    }
    assert.equal(lone.filter(n => n === 2).length, 0, `a frame length went out in a write of its own (lone writes: ${lone.slice(0, 10).join(', ')})`)
    assert.ok(writevs >= FRAMES, `expected at least one writev per frame, saw ${writevs} for ${FRAMES} frames`)
  })
})
