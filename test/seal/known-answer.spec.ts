import assert from 'node:assert/strict'
import { createDecipheriv, hkdfSync } from 'node:crypto'
import { x25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { sealJobWithEphemeral } from '../../protocols/seal/client.js'
import { deriveSessionKeys, openJob } from '../../protocols/seal/index.js'

/**
 * Fixed-key vectors, generated once with this code and pinned. They change only if the key
 * schedule or a byte layout changes, which must come with a new SEAL_INFO_LABEL version. The
 * label, salt and AAD layouts are also rebuilt here by hand and checked with node:crypto, an
 * independent HKDF and ChaCha20-Poly1305, so the code does what its comments say.
 */
const te = new TextEncoder()
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

const workerPrivateKey = sha256(te.encode('cocoon test worker seal key'))
const ephemeralPrivateKey = sha256(te.encode('cocoon test ephemeral key'))
const jobId = Uint8Array.from({ length: 16 }, (_, i) => i)
const attempt = 1

const PINNED = {
  workerSealKey: '14c743c15b95e10ed95259bbcf78b8452f1fb5b4a12a5e5af93ac2c70b3c2919',
  ephemeralKey: 'd5e14a4c19ea0fd26977f5df1128b86b4814b4695bb821afd65911db54daa379',
  sharedSecret: '0fe8e0b301c672f7c3d00a8fd0b9e1c62360cfb4a4b0a01d6bc37ad76b4d836c',
  requestKey: '38823e226037fb9d83d8f99ff789f5296042576f4ba09efd262febff6de8e60e',
  responseKey: '8b68040f706f58824d7acc63752cc7744acd97aa3f8e04236fa7e1f09c0dd2ee',
  clientToWorkerKey: '32aa2d879aefc448ee6c723e4798bfec8294cb874ccd831ff4a1b275c9c7f167',
  jobCiphertext: '62748592b928d629eebfac63163ece01f95704e81cb551867e882117',
  firstClientMessage: '2dd8483503c98b3a6b869b09ade112c9288f14a121850c'
}

function u32 (n: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b }
function u64 (n: number): Buffer { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(n)); return b }

function chachaOpen (key: Uint8Array, nonce: Buffer, aad: Buffer, sealed: Uint8Array): string {
  const body = sealed.subarray(0, sealed.byteLength - 16)
  const tag = sealed.subarray(sealed.byteLength - 16)
  const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
  d.setAAD(aad, { plaintextLength: body.byteLength })
  d.setAuthTag(tag)
  return Buffer.concat([d.update(body), d.final()]).toString()
}

describe('seal known-answer vectors', () => {
  const workerSealKey = x25519.getPublicKey(workerPrivateKey)
  const { sealed, session } = sealJobWithEphemeral({ workerSealKey, jobId, attempt, plaintext: te.encode('hello worker') }, ephemeralPrivateKey)
  const sharedSecret = x25519.getSharedSecret(ephemeralPrivateKey, workerSealKey)

  it('reproduces the pinned keys and ciphertexts', () => {
    const keys = deriveSessionKeys({ sharedSecret, jobId, ephemeralKey: sealed.ephemeralKey, workerSealKey, attempt })
    assert.equal(hex(workerSealKey), PINNED.workerSealKey)
    assert.equal(hex(sealed.ephemeralKey), PINNED.ephemeralKey)
    assert.equal(hex(sharedSecret), PINNED.sharedSecret)
    assert.equal(hex(keys.requestKey), PINNED.requestKey)
    assert.equal(hex(keys.responseKey), PINNED.responseKey)
    assert.equal(hex(keys.clientToWorkerKey), PINNED.clientToWorkerKey)
    assert.equal(hex(sealed.ciphertext), PINNED.jobCiphertext)
    assert.equal(hex(session.sealToWorker(te.encode('receipt')).ciphertext), PINNED.firstClientMessage)
  })

  it('uses HKDF-SHA256(salt = jobId, info = "cocoon/seal/v1" || eph || worker || u32 attempt) split req|resp|c2w', () => {
    const info = Buffer.concat([Buffer.from('cocoon/seal/v1'), sealed.ephemeralKey, workerSealKey, u32(attempt)])
    const okm = Buffer.from(hkdfSync('sha256', sharedSecret, jobId, info, 96))
    assert.equal(okm.subarray(0, 32).toString('hex'), PINNED.requestKey)
    assert.equal(okm.subarray(32, 64).toString('hex'), PINNED.responseKey)
    assert.equal(okm.subarray(64).toString('hex'), PINNED.clientToWorkerKey)
  })

  it('lays out nonces and AADs as documented (checked with node:crypto)', () => {
    const zeroNonce = Buffer.alloc(12)
    const jobAad = Buffer.concat([jobId, u32(attempt)])
    assert.equal(chachaOpen(Buffer.from(PINNED.requestKey, 'hex'), zeroNonce, jobAad, sealed.ciphertext), 'hello worker')

    const { session: worker } = openJob({ sealPrivateKey: workerPrivateKey, jobId, attempt, sealed })
    worker.sealChunk(te.encode('zero'), { final: false })
    const chunk = worker.sealChunk(te.encode('last token'), { final: true })
    assert.equal(chunk.seq, 1)
    const nonce = Buffer.concat([Buffer.alloc(4), u64(1)])
    const aad = Buffer.concat([jobId, u32(attempt), u64(1), Buffer.from([1])])
    assert.equal(chachaOpen(Buffer.from(PINNED.responseKey, 'hex'), nonce, aad, chunk.ciphertext), 'last token')
  })
})
