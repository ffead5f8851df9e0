import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { generateKeyPair, publicKeyFromRaw } from '@libp2p/crypto/keys'
import { LengthPrefixedDecoder } from '@libp2p/utils'
import * as varint from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import { raceEvent } from 'race-event'

/**
 * The CPU patches in patches/ (applied by `npm install` through patch-package), each found by profiling the
 * 50-node swarm (bench/swarm.ts). They must keep the libraries' behaviour; these check it, and check the patch is
 * there, so an upgrade that drops one fails here. The TCP and yamux patches have their own specs.
 */
describe('library patches', () => {
  describe('@libp2p/utils LengthPrefixedDecoder', () => {
    function decoderCountingLengthReads (): { decoder: LengthPrefixedDecoder, reads: { count: number } } {
      const reads = { count: 0 }
      const decoder = new LengthPrefixedDecoder({
        lengthDecoder: (buf: Uint8Array | Uint8ArrayList) => { reads.count++; return varint.decode(buf) },
        encodingLength: varint.encodingLength
      })
      return { decoder, reads }
    }

    it('does not ask for a length once the buffer is drained (the read threw a RangeError after every chunk)', () => {
      const { decoder, reads } = decoderCountingLengthReads()
      const frames = [...decoder.decode(Uint8Array.from([3, 1, 2, 3, 2, 4, 5]))]
      assert.deepEqual(frames.map(f => [...f.subarray()]), [[1, 2, 3], [4, 5]])
      assert.equal(reads.count, 2, 'one length read per frame, none for the empty remainder')
    })

    it('still waits for the rest of a split frame and decodes it', () => {
      const { decoder } = decoderCountingLengthReads()
      assert.deepEqual([...decoder.decode(Uint8Array.from([4, 9]))], [])
      const frames = [...decoder.decode(Uint8Array.from([8, 7, 6]))]
      assert.deepEqual(frames.map(f => [...f.subarray()]), [[9, 8, 7, 6]])
    })
  })

  describe('@libp2p/crypto Ed25519 verification with kept key objects', () => {
    it('verifies good signatures and refuses bad ones, from the same and from different keys', async () => {
      const a = await generateKeyPair('Ed25519')
      const b = await generateKeyPair('Ed25519')
      const msg = new TextEncoder().encode('capacity announcement')
      const sigA = await a.sign(msg)
      const sigB = await b.sign(msg)
      for (let round = 0; round < 3; round++) {
        // A fresh PublicKey from raw bytes each time, as gossipsub builds one per message.
        const pubA = publicKeyFromRaw(a.publicKey.raw)
        const pubB = publicKeyFromRaw(b.publicKey.raw)
        assert.equal(await pubA.verify(msg, sigA), true)
        assert.equal(await pubB.verify(msg, sigB), true)
        assert.equal(await pubA.verify(msg, sigB), false, 'a kept key object must not accept another key\'s signature')
        assert.equal(await pubB.verify(msg, sigA), false)
        const tampered = Uint8Array.from(msg)
        tampered[0] ^= 1
        assert.equal(await pubA.verify(tampered, sigA), false)
      }
    })

    it('signs with a kept private key object only while the key bytes are unchanged', async () => {
      const path = fileURLToPath(import.meta.resolve('@libp2p/crypto/keys').replace(/index\.js$/, 'ed25519/index.js'))
      const ed: { hashAndSign: (key: Uint8Array, msg: Uint8Array) => Uint8Array, hashAndVerify: (key: Uint8Array, sig: Uint8Array, msg: Uint8Array) => boolean } = await import(pathToFileURL(path).href)
      const a = await generateKeyPair('Ed25519')
      const b = await generateKeyPair('Ed25519')
      const msg = new TextEncoder().encode('final')
      const key = Uint8Array.from(a.raw)
      for (let round = 0; round < 3; round++) assert.equal(ed.hashAndVerify(a.publicKey.raw, ed.hashAndSign(key, msg), msg), true)
      // the same buffer now holds another key: the kept object must not sign for the old one
      key.set(b.raw)
      const sig = ed.hashAndSign(key, msg)
      assert.equal(ed.hashAndVerify(b.publicKey.raw, sig, msg), true)
      assert.equal(ed.hashAndVerify(a.publicKey.raw, sig, msg), false)
      assert.equal(await a.publicKey.verify(msg, await a.sign(msg)), true)
    })

    it('is the patched build, which keeps imported public keys', async () => {
      const source = await readFile(fileURLToPath(import.meta.resolve('@libp2p/crypto/keys').replace(/index\.js$/, 'ed25519/index.js')), 'utf8')
      assert.match(source, /cocoon patch/)
      assert.match(source, /publicKeyObjects\.get\(x\)/)
      assert.match(source, /privateKeyObjects\.get\(key\)/)
    })
  })

  describe('race-event', () => {
    it('still rejects with an AbortError carrying the given code when the signal aborts, before or during', async () => {
      const target = new EventTarget()
      const before = AbortSignal.abort()
      await assert.rejects(raceEvent(target, 'x', before, { errorCode: 'ERR_X' }), (err: Error & { code?: string }) => err.name === 'AbortError' && err.code === 'ERR_X')
      const controller = new AbortController()
      const pending = raceEvent(target, 'x', controller.signal, { errorMessage: 'gave up', errorCode: 'ERR_Y' })
      controller.abort()
      await assert.rejects(pending, (err: Error & { code?: string }) => err.name === 'AbortError' && err.message === 'gave up' && err.code === 'ERR_Y')
    })

    it('resolves with the event when it comes first', async () => {
      const target = new EventTarget()
      const pending = raceEvent<Event>(target, 'x', new AbortController().signal)
      target.dispatchEvent(new Event('x'))
      assert.equal((await pending).type, 'x')
    })

    it('is the patched build, which makes its error only when the signal aborts', async () => {
      // Nothing observable tells an up-front error from a late one but the stack capture's cost, so this reads the
      // installed source: the patch is what `npm install` must have applied.
      const source = await readFile(fileURLToPath(import.meta.resolve('race-event')), 'utf8')
      assert.match(source, /cocoon patch/)
      assert.match(source, /const makeError = \(\) =>/)
    })
  })
})
