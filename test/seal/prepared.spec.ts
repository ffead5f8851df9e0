import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { CocoonError } from '../../protocols/common/errors.js'
import { generateSealKeyPair, openJob, SealPreparer, sealJob } from '../../protocols/seal/index.js'

const sleep = async (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))
const text = new TextEncoder()

function input (workerSealKey: Uint8Array, plaintext = 'hello'): { workerSealKey: Uint8Array, jobId: Uint8Array, attempt: number, plaintext: Uint8Array } {
  return { workerSealKey, jobId: randomBytes(16), attempt: 0, plaintext: text.encode(plaintext) }
}

describe('seals agreed ahead (SealPreparer)', () => {
  it('a job sealed with an agreement made ahead opens on the worker, and its chunks open on the client', () => {
    const worker = generateSealKeyPair()
    const preparer = new SealPreparer()
    const job = input(worker.publicKey, 'a prompt')
    const { sealed, session } = sealJob(job, preparer.take(worker.publicKey))
    const opened = openJob({ sealPrivateKey: worker.privateKey, jobId: job.jobId, attempt: 0, sealed })
    assert.equal(new TextDecoder().decode(opened.plaintext), 'a prompt')
    const chunk = opened.session.sealChunk(text.encode('an answer'), { final: true })
    assert.equal(new TextDecoder().decode(session.openChunk(chunk, true)), 'an answer')
  })

  it('has the next agreement ready shortly after one is taken, and never hands the same one out twice', async () => {
    const worker = generateSealKeyPair()
    const preparer = new SealPreparer()
    const first = preparer.take(worker.publicKey)
    assert.equal(preparer.size, 0, 'nothing was ready for a new worker; the first was made on the spot')
    await sleep(60)
    assert.equal(preparer.size, 1, 'one is made ahead for the next job')
    const second = preparer.take(worker.publicKey)
    assert.notDeepEqual(second.ephemeralKey, first.ephemeralKey)
    assert.equal(preparer.size, 0, 'taken, so gone')
    await sleep(60)
    const third = preparer.take(worker.publicKey)
    assert.notDeepEqual(third.ephemeralKey, second.ephemeralKey)
  })

  it('refuses to seal twice with one agreement (that would reuse keys and nonces)', () => {
    const worker = generateSealKeyPair()
    const agreed = new SealPreparer().take(worker.publicKey)
    sealJob(input(worker.publicKey), agreed)
    assert.throws(() => sealJob(input(worker.publicKey), agreed), (err: unknown) => err instanceof CocoonError && err.code === 'BAD_REQUEST' && /already sealed/.test(err.message))
  })

  it('refuses an agreement made for another worker\'s key', () => {
    const a = generateSealKeyPair()
    const b = generateSealKeyPair()
    const forA = new SealPreparer().take(a.publicKey)
    assert.throws(() => sealJob(input(b.publicKey), forA), (err: unknown) => err instanceof CocoonError && err.code === 'BAD_REQUEST' && /another worker/.test(err.message))
  })

  it('refuses a malformed worker key before making anything', () => {
    assert.throws(() => new SealPreparer().take(new Uint8Array(5)), (err: unknown) => err instanceof CocoonError && err.code === 'BAD_REQUEST')
  })
})
