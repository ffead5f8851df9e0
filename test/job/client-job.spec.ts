import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { streamPair } from '@libp2p/utils'
import { FrameStream } from '../../protocols/common/frames.js'
import { wireBytes } from '../../protocols/common/bytes.js'
import { ChunkPayload, codecs, finalSigningBytes, JobPayload, MAX_FRAME_BYTES, runJob, type JobEvent } from '../../protocols/job/index.js'
import { ChunkTranscript } from '../../protocols/job/transcript.js'
import { generateSealKeyPair, openJob } from '../../protocols/seal/index.js'

/**
 * The client end of `/cocoon/job/1.0.0` against a scripted proxy and worker on an in-memory stream: real sealing,
 * real signatures, frames written exactly as a worker's end of the answer goes out.
 */
describe('a client job against a scripted proxy and worker', () => {
  it('delivers the last text a worker sends inside its sealed final chunk, then finishes on the signed Final', async () => {
    const [clientEnd, proxyEnd] = await streamPair()
    const workerKey = await generateKeyPair('Ed25519')
    const worker = peerIdFromPrivateKey(workerKey)
    const seal = generateSealKeyPair()
    const jobId = randomBytes(16)

    const proxy = (async () => {
      const frames = new FrameStream(proxyEnd, { maxFrameBytes: MAX_FRAME_BYTES, readTimeoutMs: 5000 })
      const first = await frames.read(codecs.client)
      assert.equal(first.route?.model, 'cocoon-tiny')
      await frames.write(codecs.proxy, { offer: { jobId, attempt: 1, workerPeerId: worker.toMultihash().bytes, certificate: new Uint8Array(1), collateral: new Uint8Array(1), priceNanoPerToken: 7n } })
      const job = (await frames.read(codecs.client)).job!
      const { session, plaintext } = openJob({ sealPrivateKey: seal.privateKey, jobId: job.jobId, attempt: job.attempt, sealed: { ephemeralKey: job.ephemeralKey, ciphertext: job.ciphertext } })
      assert.equal(JobPayload.decode(plaintext).messages[0].content, 'hi')
      const transcript = new ChunkTranscript()
      const usage = { promptTokens: 3, completionTokens: 2 }
      const middle = session.sealChunk(ChunkPayload.encode({ text: 'Hello', finishReason: '' }), { final: false })
      const last = session.sealChunk(ChunkPayload.encode({ text: ' world', finishReason: 'length', usage }), { final: true })
      transcript.add(middle.ciphertext)
      transcript.add(last.ciphertext)
      const outputHash = wireBytes(transcript.digest())
      const workerSignature = await workerKey.sign(finalSigningBytes(jobId, 1, usage, outputHash))
      await frames.write(codecs.proxy, { chunk: { seq: BigInt(middle.seq), ciphertext: wireBytes(middle.ciphertext), final: false } })
      // as the worker ends an answer: the last text in the final chunk, and Final with it in one send
      await frames.writeMany(codecs.proxy, [
        { chunk: { seq: BigInt(last.seq), ciphertext: wireBytes(last.ciphertext), final: true } },
        { final: { usage, outputHash, workerSignature: wireBytes(workerSignature) } }
      ])
      await frames.closeWrite()
    })()

    const events: JobEvent[] = []
    for await (const ev of runJob({ model: 'cocoon-tiny', messages: [{ role: 'user', content: 'hi' }], maxTokens: 2, seed: 1 }, {
      dialProtocol: async () => clientEnd,
      proxy: worker, // any peer id: the stream is handed over directly
      // certificate checks have their own tests; here the offer's worker is taken at its seal key
      verify: async () => ({ sealKey: seal.publicKey }),
      signal: AbortSignal.timeout(10_000)
    })) events.push(ev)
    await proxy

    assert.deepEqual(events.filter(e => e.type === 'token').map(e => (e as { text: string }).text), ['Hello', ' world'])
    const done = events.at(-1) as Extract<JobEvent, { type: 'done' }>
    assert.equal(done.type, 'done')
    assert.equal(done.finishReason, 'length')
    assert.deepEqual(done.usage, { promptTokens: 3, completionTokens: 2 })
    assert.equal(done.worker, worker.toString())
  })
})
