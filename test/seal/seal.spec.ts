import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { generateSealKeyPair, openJob, sealJob } from '../../protocols/seal/index.js'
import type { ClientSession, SealedChunk, WorkerSession } from '../../protocols/seal/index.js'

const te = new TextEncoder()
const td = new TextDecoder()

function expectIntegrity (fn: () => unknown, reason: string): void {
  assert.throws(fn, (err: any) => {
    assert.equal(err.name, 'CocoonError')
    assert.equal(err.code, 'INTEGRITY')
    assert.equal(err.data?.reason, reason)
    return true
  })
}

function expectBadRequest (fn: () => unknown): void {
  assert.throws(fn, (err: any) => err.code === 'BAD_REQUEST' && err.name === 'CocoonError')
}

function flip (bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice()
  copy[index] ^= 0x01
  return copy
}

function setup (attempt = 0): { client: ClientSession, worker: WorkerSession, jobId: Uint8Array, plaintext: Uint8Array } {
  const keys = generateSealKeyPair()
  const jobId = randomBytes(16)
  const { sealed, session: client } = sealJob({ workerSealKey: keys.publicKey, jobId, attempt, plaintext: te.encode('prompt: hi') })
  const { plaintext, session: worker } = openJob({ sealPrivateKey: keys.privateKey, jobId, attempt, sealed })
  return { client, worker, jobId, plaintext }
}

describe('seal', () => {
  it('generates 32-byte X25519 key pairs, different each time', () => {
    const a = generateSealKeyPair()
    const b = generateSealKeyPair()
    assert.equal(a.publicKey.byteLength, 32)
    assert.equal(a.privateKey.byteLength, 32)
    assert.notDeepEqual(a.publicKey, b.publicKey)
  })

  it('round-trips a job, a chunk stream and client->worker messages', () => {
    const { client, worker, plaintext } = setup()
    assert.equal(td.decode(plaintext), 'prompt: hi')

    const tokens = ['Hel', 'lo', ' world', '']
    const chunks = tokens.map((t, i) => worker.sealChunk(te.encode(t), { final: i === tokens.length - 1 }))
    assert.deepEqual(chunks.map(c => c.seq), [0, 1, 2, 3])
    assert.equal(worker.finished, true)
    const opened = chunks.map((c, i) => td.decode(client.openChunk(c, i === tokens.length - 1)))
    assert.deepEqual(opened, tokens)
    assert.equal(client.complete, true)

    const receipts = ['r1', 'r2', 'cancel'].map(m => client.sealToWorker(te.encode(m)))
    assert.deepEqual(receipts.map(r => r.seq), [0, 1, 2])
    assert.deepEqual(receipts.map(r => td.decode(worker.openFromClient(r))), ['r1', 'r2', 'cancel'])
  })

  it('hides the plaintext and uses a fresh ephemeral key per job', () => {
    const keys = generateSealKeyPair()
    const jobId = randomBytes(16)
    const plaintext = te.encode('the same secret prompt')
    const a = sealJob({ workerSealKey: keys.publicKey, jobId, attempt: 0, plaintext })
    const b = sealJob({ workerSealKey: keys.publicKey, jobId, attempt: 0, plaintext })
    assert.notDeepEqual(a.sealed.ephemeralKey, b.sealed.ephemeralKey)
    assert.notDeepEqual(a.sealed.ciphertext, b.sealed.ciphertext)
    assert.equal(Buffer.from(a.sealed.ciphertext).includes(Buffer.from('secret')), false)
    assert.equal(a.sealed.ciphertext.byteLength, plaintext.byteLength + 16)
  })

  it('a worker with another seal key cannot open the job', () => {
    const right = generateSealKeyPair()
    const wrong = generateSealKeyPair()
    const jobId = randomBytes(16)
    const { sealed } = sealJob({ workerSealKey: right.publicKey, jobId, attempt: 0, plaintext: te.encode('x') })
    expectIntegrity(() => openJob({ sealPrivateKey: wrong.privateKey, jobId, attempt: 0, sealed }), 'TAMPERED')
  })

  it('the job is bound to its jobId and attempt', () => {
    const keys = generateSealKeyPair()
    const jobId = randomBytes(16)
    const { sealed } = sealJob({ workerSealKey: keys.publicKey, jobId, attempt: 2, plaintext: te.encode('x') })
    expectIntegrity(() => openJob({ sealPrivateKey: keys.privateKey, jobId: randomBytes(16), attempt: 2, sealed }), 'TAMPERED')
    expectIntegrity(() => openJob({ sealPrivateKey: keys.privateKey, jobId, attempt: 1, sealed }), 'TAMPERED')
    assert.equal(openJob({ sealPrivateKey: keys.privateKey, jobId, attempt: 2, sealed }).plaintext.byteLength, 1)
  })

  it('detects any flipped byte in the sealed job, its tag or its ephemeral key', () => {
    const keys = generateSealKeyPair()
    const jobId = randomBytes(16)
    const { sealed } = sealJob({ workerSealKey: keys.publicKey, jobId, attempt: 0, plaintext: te.encode('0123456789') })
    for (let i = 0; i < sealed.ciphertext.byteLength; i++) {
      expectIntegrity(() => openJob({ sealPrivateKey: keys.privateKey, jobId, attempt: 0, sealed: { ...sealed, ciphertext: flip(sealed.ciphertext, i) } }), 'TAMPERED')
    }
    expectIntegrity(() => openJob({ sealPrivateKey: keys.privateKey, jobId, attempt: 0, sealed: { ...sealed, ephemeralKey: flip(sealed.ephemeralKey, 3) } }), 'TAMPERED')
    expectIntegrity(() => openJob({ sealPrivateKey: keys.privateKey, jobId, attempt: 0, sealed: { ...sealed, ciphertext: sealed.ciphertext.subarray(0, 15) } }), 'TAMPERED')
  })

  it('detects a tampered chunk and still accepts the genuine one after it', () => {
    const { client, worker } = setup()
    const chunk = worker.sealChunk(te.encode('token'), { final: false })
    expectIntegrity(() => client.openChunk({ seq: 0, ciphertext: flip(chunk.ciphertext, 0) }, false), 'TAMPERED')
    expectIntegrity(() => client.openChunk({ seq: 0, ciphertext: flip(chunk.ciphertext, chunk.ciphertext.byteLength - 1) }, false), 'TAMPERED')
    assert.equal(td.decode(client.openChunk(chunk, false)), 'token')
  })

  it('detects a flipped final flag (early end or hidden end)', () => {
    const { client, worker } = setup()
    const middle = worker.sealChunk(te.encode('a'), { final: false })
    expectIntegrity(() => client.openChunk(middle, true), 'TAMPERED')
    client.openChunk(middle, false)
    const last = worker.sealChunk(te.encode('b'), { final: true })
    expectIntegrity(() => client.openChunk(last, false), 'TAMPERED')
    assert.equal(client.complete, false)
    client.openChunk(last, true)
    assert.equal(client.complete, true)
  })

  it('detects dropped, reordered and replayed chunks', () => {
    const { client, worker } = setup()
    const chunks: SealedChunk[] = [0, 1, 2, 3].map(i => worker.sealChunk(te.encode(`t${i}`), { final: false }))
    // dropped: chunk 1 never arrives
    client.openChunk(chunks[0], false)
    expectIntegrity(() => client.openChunk(chunks[2], false), 'OUT_OF_ORDER')
    // replayed: chunk 0 again
    expectIntegrity(() => client.openChunk(chunks[0], false), 'OUT_OF_ORDER')
    client.openChunk(chunks[1], false)
    // reordered: 3 before 2
    expectIntegrity(() => client.openChunk(chunks[3], false), 'OUT_OF_ORDER')
    // a relay cannot relabel a chunk with the expected seq either: the nonce and AAD differ
    expectIntegrity(() => client.openChunk({ seq: 2, ciphertext: chunks[3].ciphertext }, false), 'TAMPERED')
    assert.equal(td.decode(client.openChunk(chunks[2], false)), 't2')
    assert.equal(client.expectedSeq, 3)
  })

  it('rejects chunks after the final one, on both ends', () => {
    const { client, worker } = setup()
    const last = worker.sealChunk(te.encode('end'), { final: true })
    expectIntegrity(() => worker.sealChunk(te.encode('more'), { final: false }), 'AFTER_FINAL')
    client.openChunk(last, true)
    expectIntegrity(() => client.openChunk({ seq: 1, ciphertext: last.ciphertext }, false), 'AFTER_FINAL')
    expectIntegrity(() => client.openChunk(last, true), 'AFTER_FINAL')
  })

  it('truncation is visible: without the final chunk the job is not complete', () => {
    const { client, worker } = setup()
    client.openChunk(worker.sealChunk(te.encode('a'), { final: false }), false)
    client.openChunk(worker.sealChunk(te.encode('b'), { final: false }), false)
    assert.equal(client.complete, false)
  })

  it('client->worker messages are ordered and authenticated on their own key', () => {
    const { client, worker } = setup()
    const m0 = client.sealToWorker(te.encode('receipt 0'))
    const m1 = client.sealToWorker(te.encode('receipt 1'))
    expectIntegrity(() => worker.openFromClient(m1), 'OUT_OF_ORDER')
    expectIntegrity(() => worker.openFromClient({ seq: 0, ciphertext: flip(m0.ciphertext, 2) }), 'TAMPERED')
    worker.openFromClient(m0)
    expectIntegrity(() => worker.openFromClient(m0), 'OUT_OF_ORDER')
    // a response chunk cannot be passed off as a client message with the same seq
    const chunk = worker.sealChunk(te.encode('x'), { final: false })
    const { worker: w2 } = setup()
    expectIntegrity(() => w2.openFromClient(chunk), 'TAMPERED')
    worker.openFromClient(m1)
  })

  it('each attempt gets its own keys, so chunks of one attempt do not open in another', () => {
    const keys = generateSealKeyPair()
    const jobId = randomBytes(16)
    const plaintext = te.encode('same job')
    const eph = sealJob({ workerSealKey: keys.publicKey, jobId, attempt: 0, plaintext })
    // the proxy replays attempt 0's sealed job relabelled as attempt 1: refused
    expectIntegrity(() => openJob({ sealPrivateKey: keys.privateKey, jobId, attempt: 1, sealed: eph.sealed }), 'TAMPERED')
    const first = openJob({ sealPrivateKey: keys.privateKey, jobId, attempt: 0, sealed: eph.sealed })
    const resealed = sealJob({ workerSealKey: keys.publicKey, jobId, attempt: 1, plaintext })
    const second = openJob({ sealPrivateKey: keys.privateKey, jobId, attempt: 1, sealed: resealed.sealed })
    const oldChunk = first.session.sealChunk(te.encode('stale'), { final: false })
    expectIntegrity(() => resealed.session.openChunk(oldChunk, false), 'TAMPERED')
    const newChunk = second.session.sealChunk(te.encode('fresh'), { final: false })
    assert.equal(td.decode(resealed.session.openChunk(newChunk, false)), 'fresh')
    assert.notDeepEqual(oldChunk.ciphertext, newChunk.ciphertext)
  })

  it('rejects low-order public keys as BAD_KEY', () => {
    const zero = new Uint8Array(32)
    expectIntegrity(() => sealJob({ workerSealKey: zero, jobId: randomBytes(16), attempt: 0, plaintext: te.encode('x') }), 'BAD_KEY')
    const keys = generateSealKeyPair()
    expectIntegrity(() => openJob({ sealPrivateKey: keys.privateKey, jobId: randomBytes(16), attempt: 0, sealed: { ephemeralKey: zero, ciphertext: new Uint8Array(32) } }), 'BAD_KEY')
  })

  it('rejects wrong sizes and bad numbers as BAD_REQUEST', () => {
    const keys = generateSealKeyPair()
    const plaintext = te.encode('x')
    expectBadRequest(() => sealJob({ workerSealKey: new Uint8Array(31), jobId: randomBytes(16), attempt: 0, plaintext }))
    expectBadRequest(() => sealJob({ workerSealKey: keys.publicKey, jobId: new Uint8Array(0), attempt: 0, plaintext }))
    expectBadRequest(() => sealJob({ workerSealKey: keys.publicKey, jobId: new Uint8Array(65), attempt: 0, plaintext }))
    expectBadRequest(() => sealJob({ workerSealKey: keys.publicKey, jobId: randomBytes(16), attempt: -1, plaintext }))
    expectBadRequest(() => sealJob({ workerSealKey: keys.publicKey, jobId: randomBytes(16), attempt: 1.5, plaintext }))
    expectBadRequest(() => sealJob({ workerSealKey: keys.publicKey, jobId: randomBytes(16), attempt: 2 ** 32, plaintext }))
    expectBadRequest(() => openJob({ sealPrivateKey: new Uint8Array(33), jobId: randomBytes(16), attempt: 0, sealed: { ephemeralKey: keys.publicKey, ciphertext: new Uint8Array(20) } }))
    expectBadRequest(() => openJob({ sealPrivateKey: keys.privateKey, jobId: randomBytes(16), attempt: 0, sealed: { ephemeralKey: new Uint8Array(8), ciphertext: new Uint8Array(20) } }))
    const { client } = setup()
    expectBadRequest(() => client.openChunk({ seq: -1, ciphertext: new Uint8Array(20) }, false))
    expectBadRequest(() => client.openChunk({ seq: 0.5, ciphertext: new Uint8Array(20) }, false))
  })

  it('the session does not change when the caller reuses its jobId buffer', () => {
    const keys = generateSealKeyPair()
    const jobId = randomBytes(16)
    const original = Uint8Array.from(jobId) // Buffer#slice is a view, not a copy
    const { sealed, session: client } = sealJob({ workerSealKey: keys.publicKey, jobId, attempt: 0, plaintext: te.encode('x') })
    jobId.fill(0)
    const { session: worker } = openJob({ sealPrivateKey: keys.privateKey, jobId: original, attempt: 0, sealed })
    assert.equal(td.decode(client.openChunk(worker.sealChunk(te.encode('ok'), { final: true }), true)), 'ok')
  })
})
