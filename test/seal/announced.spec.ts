import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { CocoonError } from '../../protocols/common/errors.js'
import { generateSealKeyPair, OpeningPreparer, openJob, SealPreparer, sealJob } from '../../protocols/seal/index.js'

const sleep = async (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))
const text = new TextEncoder()

/** A client's agreement for its next job to `worker`, as SealPreparer announces it. */
async function announcedJob (workerSealKey: Uint8Array): Promise<{ preparer: SealPreparer, announced: { ephemeralKey: Uint8Array, jobId: Uint8Array } }> {
  const preparer = new SealPreparer({ attempt: 1 })
  preparer.take(workerSealKey)
  await sleep(60)
  const announced = preparer.upcoming(workerSealKey)
  assert.ok(announced != null)
  return { preparer, announced }
}

describe('openings prepared for announced jobs (OpeningPreparer)', () => {
  it('opens the announced job with the agreement done ahead, and the answer opens on the client', async () => {
    const worker = generateSealKeyPair()
    const openings = new OpeningPreparer({ sealPrivateKey: worker.privateKey })
    const { preparer, announced } = await announcedJob(worker.publicKey)
    assert.equal(openings.prepare(announced), true)
    const agreed = preparer.take(worker.publicKey)
    const { sealed, session } = sealJob({ workerSealKey: worker.publicKey, jobId: announced.jobId, attempt: 1, plaintext: text.encode('a prompt') }, agreed)
    const prepared = openings.take(sealed.ephemeralKey)
    assert.ok(prepared != null)
    assert.equal(openings.size, 0, 'used once')
    const opened = openJob({ sealPrivateKey: worker.privateKey, jobId: announced.jobId, attempt: 1, sealed }, prepared)
    assert.equal(new TextDecoder().decode(opened.plaintext), 'a prompt')
    assert.equal(new TextDecoder().decode(session.openChunk(opened.session.sealChunk(text.encode('an answer'), { final: true }), true)), 'an answer')
  })

  it('uses what it prepared: a forged agreement for the same key fails to open', async () => {
    const worker = generateSealKeyPair()
    const openings = new OpeningPreparer({ sealPrivateKey: worker.privateKey })
    const { preparer, announced } = await announcedJob(worker.publicKey)
    openings.prepare(announced)
    const { sealed } = sealJob({ workerSealKey: worker.publicKey, jobId: randomBytes(16), attempt: 2, plaintext: text.encode('x') }, preparer.take(worker.publicKey))
    const prepared = openings.take(sealed.ephemeralKey)
    assert.ok(prepared != null)
    const forged = { ...prepared, sharedSecret: new Uint8Array(32).fill(7) }
    assert.throws(() => openJob({ sealPrivateKey: worker.privateKey, jobId: new Uint8Array(16), attempt: 2, sealed }, forged), (err: unknown) => err instanceof CocoonError && err.code === 'INTEGRITY')
  })

  it('still opens a job under another job id or attempt (an offer), from the agreement alone', async () => {
    const worker = generateSealKeyPair()
    const openings = new OpeningPreparer({ sealPrivateKey: worker.privateKey })
    const { preparer, announced } = await announcedJob(worker.publicKey)
    openings.prepare(announced)
    const jobId = randomBytes(16)
    const { sealed } = sealJob({ workerSealKey: worker.publicKey, jobId, attempt: 3, plaintext: text.encode('offered') }, preparer.take(worker.publicKey))
    const opened = openJob({ sealPrivateKey: worker.privateKey, jobId, attempt: 3, sealed }, openings.take(sealed.ephemeralKey))
    assert.equal(new TextDecoder().decode(opened.plaintext), 'offered')
  })

  it('ignores an opening prepared with another worker\'s seal key', async () => {
    const worker = generateSealKeyPair()
    const other = generateSealKeyPair()
    const theirs = new OpeningPreparer({ sealPrivateKey: other.privateKey })
    const { preparer, announced } = await announcedJob(worker.publicKey)
    theirs.prepare(announced)
    const { sealed } = sealJob({ workerSealKey: worker.publicKey, jobId: announced.jobId, attempt: 1, plaintext: text.encode('mine') }, preparer.take(worker.publicKey))
    const opened = openJob({ sealPrivateKey: worker.privateKey, jobId: announced.jobId, attempt: 1, sealed }, theirs.take(sealed.ephemeralKey))
    assert.equal(new TextDecoder().decode(opened.plaintext), 'mine')
  })

  it('refuses malformed announcements, and lets openings go after their time or beyond its bound', () => {
    const worker = generateSealKeyPair()
    let now = 1_000
    const openings = new OpeningPreparer({ sealPrivateKey: worker.privateKey, ttlMs: 100, maxEntries: 2, clock: () => now })
    assert.equal(openings.prepare({ ephemeralKey: new Uint8Array(5), jobId: randomBytes(16) }), false)
    assert.equal(openings.prepare({ ephemeralKey: new Uint8Array(32), jobId: randomBytes(16) }), false, 'a low-order key agrees to zero: refused')
    assert.equal(openings.prepare({ ephemeralKey: generateSealKeyPair().publicKey, jobId: new Uint8Array(0) }), false)
    assert.equal(openings.size, 0)
    const keys = [0, 1, 2].map(() => generateSealKeyPair().publicKey)
    for (const ephemeralKey of keys) assert.equal(openings.prepare({ ephemeralKey, jobId: randomBytes(16) }), true)
    assert.equal(openings.size, 2, 'the oldest went')
    assert.equal(openings.take(keys[0]), undefined)
    now += 101
    assert.equal(openings.take(keys[1]), undefined, 'expired')
    assert.equal(openings.size, 1)
  })
})
