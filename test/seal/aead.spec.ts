import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { aeadOpen, aeadSeal } from '../../protocols/seal/aead.js'

describe('aeadSeal and aeadOpen (WebAssembly ChaCha20-Poly1305)', () => {
  // RFC 8439, section 2.8.2: the AEAD test vector.
  it('gives the RFC 8439 test vector', () => {
    const key = Buffer.from('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f', 'hex')
    const nonce = Buffer.from('070000004041424344454647', 'hex')
    const aad = Buffer.from('50515253c0c1c2c3c4c5c6c7', 'hex')
    const plaintext = Buffer.from("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.")
    const sealed = Buffer.from(aeadSeal(key, nonce, aad, plaintext))
    assert.equal(sealed.subarray(0, 16).toString('hex'), 'd31a8d34648e60db7b86afbc53ef7ec2')
    assert.equal(sealed.subarray(sealed.length - 16).toString('hex'), '1ae10b594f09e26a7e902ecbd0600691')
  })

  it('gives the same bytes as noble for every AAD and plaintext length the job protocol and the seal format use', () => {
    const key = randomBytes(32)
    const nonce = randomBytes(12)
    // 20 and 29: a job's and a chunk's AAD with 16-byte job ids; 33 and 77: longer ids, sealed by noble.
    for (const aadBytes of [0, 1, 20, 29, 32, 33, 77]) {
      for (const textBytes of [0, 1, 300, 65_536, 65_537, 200_000]) {
        const aad = randomBytes(aadBytes)
        const plaintext = randomBytes(textBytes)
        const sealed = aeadSeal(key, nonce, aad, plaintext)
        assert.deepEqual(Buffer.from(sealed), Buffer.from(chacha20poly1305(key, nonce, aad).encrypt(plaintext)), `aad ${aadBytes}, text ${textBytes}`)
        assert.deepEqual(Buffer.from(chacha20poly1305(key, nonce, aad).decrypt(sealed)), plaintext)
      }
    }
  })

  it('does not let one call\'s input leak into the next (one WebAssembly buffer serves every call)', () => {
    const key = randomBytes(32)
    const nonce = randomBytes(12)
    const long = aeadSeal(key, nonce, randomBytes(29), randomBytes(1000))
    const aad = randomBytes(20)
    const short = aeadSeal(key, nonce, aad, Buffer.from('hi'))
    assert.equal(short.byteLength, 2 + 16)
    assert.notDeepEqual(short.subarray(0, 2), long.subarray(0, 2))
    assert.deepEqual(Buffer.from(chacha20poly1305(key, nonce, aad).decrypt(short)), Buffer.from('hi'))
  })

  it('opens the RFC 8439 test vector, and what noble seals, for every AAD and text length around the 16-byte padding and the 64 KiB buffer', () => {
    const key = Buffer.from('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f', 'hex')
    const nonce = Buffer.from('070000004041424344454647', 'hex')
    const aad = Buffer.from('50515253c0c1c2c3c4c5c6c7', 'hex')
    const plaintext = Buffer.from("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.")
    assert.deepEqual(Buffer.from(aeadOpen(key, nonce, aad, chacha20poly1305(key, nonce, aad).encrypt(plaintext))), plaintext)
    for (const aadBytes of [0, 1, 15, 16, 17, 20, 29, 32, 33, 77]) {
      for (const textBytes of [0, 1, 15, 16, 17, 300, 65_535, 65_536, 65_537, 200_000]) {
        const k = randomBytes(32)
        const n = randomBytes(12)
        const a = randomBytes(aadBytes)
        const text = randomBytes(textBytes)
        assert.deepEqual(Buffer.from(aeadOpen(k, n, a, chacha20poly1305(k, n, a).encrypt(text))), text, `aad ${aadBytes}, text ${textBytes}`)
      }
    }
  })

  it('refuses a changed tag, ciphertext, AAD, nonce or key, and anything shorter than a tag', () => {
    const key = randomBytes(32)
    const nonce = randomBytes(12)
    const aad = randomBytes(29)
    const sealed = aeadSeal(key, nonce, aad, Buffer.from('a sealed chunk of an answer'))
    for (const at of [0, 5, sealed.byteLength - 16, sealed.byteLength - 1]) {
      const changed = Uint8Array.from(sealed)
      changed[at] ^= 0x01
      assert.throws(() => aeadOpen(key, nonce, aad, changed), /invalid tag/, `byte ${at}`)
    }
    const flip = (bytes: Uint8Array): Uint8Array => { const c = Uint8Array.from(bytes); c[0] ^= 0x80; return c }
    assert.throws(() => aeadOpen(key, nonce, flip(aad), sealed), /invalid tag/)
    assert.throws(() => aeadOpen(key, flip(nonce), aad, sealed), /invalid tag/)
    assert.throws(() => aeadOpen(flip(key), nonce, aad, sealed), /invalid tag/)
    assert.throws(() => aeadOpen(key, nonce, aad, sealed.subarray(0, 15)), /shorter than its tag/)
    assert.throws(() => aeadOpen(key.subarray(0, 31), nonce, aad, sealed), /key must be 32 bytes/)
    assert.throws(() => aeadOpen(key, nonce.subarray(0, 11), aad, sealed), /nonce must be 12 bytes/)
    assert.deepEqual(Buffer.from(aeadOpen(key, nonce, aad, sealed)), Buffer.from('a sealed chunk of an answer'))
  })
})
