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

  it('keeps the next two agreements ready after one is taken, and never hands the same one out twice', async () => {
    const worker = generateSealKeyPair()
    const preparer = new SealPreparer()
    const first = preparer.take(worker.publicKey)
    assert.equal(first.prepared, undefined, 'nothing was ready for a new worker; the first was made on the spot')
    assert.equal(preparer.upcoming(worker.publicKey), undefined, 'nothing to announce yet')
    await sleep(100)
    assert.equal(preparer.size, 2, 'the next job\'s agreement, and the one that job announces')
    const announced = preparer.upcoming(worker.publicKey)
    const second = preparer.take(worker.publicKey)
    assert.deepEqual(second.ephemeralKey, announced?.ephemeralKey, 'upcoming names what the next take hands out')
    assert.deepEqual(second.prepared?.jobId, announced?.jobId)
    assert.notDeepEqual(second.ephemeralKey, first.ephemeralKey)
    assert.equal(preparer.size, 1)
    const third = preparer.take(worker.publicKey)
    assert.notDeepEqual(third.ephemeralKey, second.ephemeralKey)
    assert.equal(preparer.size, 0, 'taken, so gone')
  })

  it('seals a job under the job id drawn ahead with the keys derived ahead, and it opens on the worker', async () => {
    const worker = generateSealKeyPair()
    const preparer = new SealPreparer({ attempt: 1 })
    preparer.take(worker.publicKey)
    await sleep(60)
    const agreed = preparer.take(worker.publicKey)
    const jobId = agreed.prepared?.jobId
    assert.ok(jobId != null)
    const job = { workerSealKey: worker.publicKey, jobId, attempt: 1, plaintext: text.encode('a prompt') }
    // The keys drawn ahead are what seals it: spoil them, and the worker cannot open the job.
    const spoiled = { ...agreed, prepared: { ...agreed.prepared!, keys: { ...agreed.prepared!.keys, requestKey: new Uint8Array(32) } } }
    const bad = sealJob(job, spoiled)
    assert.throws(() => openJob({ sealPrivateKey: worker.privateKey, jobId, attempt: 1, sealed: bad.sealed }), (err: unknown) => err instanceof CocoonError && err.code === 'INTEGRITY')
    const good = sealJob(job, { ...agreed })
    assert.equal(new TextDecoder().decode(openJob({ sealPrivateKey: worker.privateKey, jobId, attempt: 1, sealed: good.sealed }).plaintext), 'a prompt')
    // Another job id (a proxy's offer) or attempt derives its keys as usual from the same agreement.
    const offered = sealJob({ ...job, jobId: randomBytes(16), attempt: 2 }, { ...agreed })
    assert.equal(openJob({ sealPrivateKey: worker.privateKey, jobId: offered.session.jobId, attempt: 2, sealed: offered.sealed }).plaintext.byteLength, 8)
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
