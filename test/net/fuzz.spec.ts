import assert from 'node:assert/strict'
import type { PeerId } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'
import OpenAI from 'openai'
import { BUILTIN_MODEL_ID } from '../../models/index.js'
import { ATTEST_PROTOCOL } from '../../protocols/attestation/index.js'
import { encodeFrame, encodeVarint, FrameDecoder } from '../../protocols/common/frame-decoder.js'
import { DHT_PROTOCOL } from '../../protocols/discovery/index.js'
import { ClientFrame, codecs, JOB_PROTOCOL, MAX_FRAME_BYTES, ProxyFrame, WORK_PROTOCOL, WorkFrame, WorkRequest } from '../../protocols/job/index.js'
import { startTestNetwork, type TestNetwork } from './harness.js'
import { abuse, halfOpen, prng, randomBytesFrom, type StreamEnd } from './fuzz-abuse.js'
import { deadProcesses, nodeIdentity, startRawPeer } from './jobs-peers.js'

const SEED = Number(process.env.COCOON_FUZZ_SEED ?? 20240601)

/** The frames a node sent back, decoded with `codec`. */
function framesOf<T> (bytes: Uint8Array, codec: { decode: (b: Uint8Array) => T }): T[] {
  const decoder = new FrameDecoder(MAX_FRAME_BYTES)
  decoder.push(bytes)
  const out: T[] = []
  for (let f = decoder.next(); f !== undefined; f = decoder.next()) out.push(codec.decode(f))
  return out
}

const frame = (payload: Uint8Array): Uint8Array => encodeFrame(payload).subarray()

describe(`a raw libp2p peer abusing every protocol (seed ${SEED})`, function () {
  this.timeout(180_000)
  let net: TestNetwork
  let fuzzer: Libp2p
  let proxy: PeerId
  let worker: PeerId
  const rand = prng(SEED)

  before(async () => {
    net = await startTestNetwork({ workers: 1 })
    fuzzer = await startRawPeer()
    const p = await nodeIdentity(net, 'proxy')
    const w = await nodeIdentity(net, 'worker-1')
    proxy = p.peerId
    worker = w.peerId
    await fuzzer.dial(p.addresses)
    await fuzzer.dial(w.addresses)
  })
  after(async () => {
    await fuzzer?.stop()
    await net?.close()
  })

  const targets = (): Array<{ name: string, peer: PeerId, protocol: string, framed: boolean }> => [
    { name: 'proxy', peer: proxy, protocol: JOB_PROTOCOL, framed: true },
    { name: 'proxy', peer: proxy, protocol: DHT_PROTOCOL, framed: false },
    { name: 'worker-1', peer: worker, protocol: WORK_PROTOCOL, framed: true },
    { name: 'worker-1', peer: worker, protocol: ATTEST_PROTOCOL, framed: false },
    { name: 'worker-1', peer: worker, protocol: DHT_PROTOCOL, framed: false }
  ]

  it('survives random bytes, empty streams and garbage length prefixes on every protocol', async () => {
    for (const t of targets()) {
      const cases: Uint8Array[][] = [
        [],
        [new Uint8Array([0])],
        [Uint8Array.from(Array(10).fill(0xff))], // a varint that never ends within 64 bits
        ...Array.from({ length: 12 }, () => [randomBytesFrom(rand, 1 + Math.floor(rand() * 4096))]),
        [frame(randomBytesFrom(rand, 200))], // a well-framed random payload
        Array.from({ length: 50 }, () => randomBytesFrom(rand, 1 + Math.floor(rand() * 64))) // many small writes
      ]
      // several at once, as an attacker would
      const results = await Promise.all(cases.map(async chunks => abuse(fuzzer, t.peer, t.protocol, chunks, { closeWrite: true, waitMs: 12_000 })))
      for (const r of results) {
        assert.notEqual(r.end, 'timeout', `${t.name} ${t.protocol} left a half-closed stream of garbage open`)
      }
    }
    assert.deepEqual(deadProcesses(net), [])
  })

  it('aborts a stream that announces a frame over the limit, before reading it', async () => {
    for (const t of targets()) {
      const header = t.framed ? encodeVarint(MAX_FRAME_BYTES + 1) : encodeVarint(64 * 1024 * 1024)
      // announce the frame, then push 256 KiB of it without ever finishing
      const body = Array.from({ length: 4 }, () => randomBytesFrom(rand, 64 * 1024))
      // kad-dht takes messages up to its own (larger) limit and ends idle streams by its own timeout: not waited for
      const bounded = t.framed || t.protocol === ATTEST_PROTOCOL
      const r = await abuse(fuzzer, t.peer, t.protocol, [header, ...body], { waitMs: bounded ? 12_000 : 1000 })
      if (bounded) {
        assert.ok(r.end === 'reset' || r.end === 'closed', `${t.name} ${t.protocol} kept reading an oversized frame (${r.end})`)
      }
    }
    assert.deepEqual(deadProcesses(net), [])
  })

  it('answers well-framed nonsense on the job protocols with typed errors', async () => {
    const askProxy = async (payload: Uint8Array): Promise<ProxyFrame[]> => {
      const r = await abuse(fuzzer, proxy, JOB_PROTOCOL, [frame(payload)], { closeWrite: true, waitMs: 12_000 })
      return framesOf(r.received, ProxyFrame)
    }
    const askWorker = async (payload: Uint8Array): Promise<WorkFrame[]> => {
      const r = await abuse(fuzzer, worker, WORK_PROTOCOL, [frame(payload)], { closeWrite: true, waitMs: 12_000 })
      return framesOf(r.received, WorkFrame)
    }
    const code = (frames: Array<{ error?: { code: string } }>): string | undefined => frames.find(f => f.error != null)?.error?.code
    // a frame that is not protobuf at all (field 1 with wire type 7)
    assert.equal(code(await askProxy(Uint8Array.from([0x0f, 0x01]))), 'MALFORMED')
    assert.equal(code(await askWorker(Uint8Array.from([0x0f, 0x01]))), 'MALFORMED')
    // protobuf, but not what the protocol expects first
    assert.equal(code(await askProxy(codecs.client.encode({}))), 'BAD_REQUEST')
    assert.equal(code(await askProxy(ClientFrame.encode({ cancel: { reason: 'nothing to cancel' } }))), 'BAD_REQUEST')
    assert.equal(code(await askProxy(ClientFrame.encode({ route: { model: '', maxTokens: 10, maxPriceNanoPerToken: 0n } }))), 'BAD_REQUEST')
    assert.equal(code(await askProxy(ClientFrame.encode({ route: { model: BUILTIN_MODEL_ID, maxTokens: 0, maxPriceNanoPerToken: 0n } }))), 'BAD_REQUEST')
    assert.equal(code(await askProxy(ClientFrame.encode({ route: { model: 'no-such-model', maxTokens: 10, maxPriceNanoPerToken: 0n } }))), 'UNKNOWN_MODEL')
    assert.equal(code(await askWorker(WorkRequest.encode({}))), 'BAD_REQUEST')
    // a sealed job that was never sealed to this worker: random key and ciphertext
    const forged = WorkRequest.encode({ job: { jobId: randomBytesFrom(rand, 16) as Uint8Array<ArrayBuffer>, attempt: 1, ephemeralKey: randomBytesFrom(rand, 32) as Uint8Array<ArrayBuffer>, ciphertext: randomBytesFrom(rand, 300) as Uint8Array<ArrayBuffer>, model: BUILTIN_MODEL_ID, maxTokens: 8 } })
    assert.equal(code(await askWorker(forged)), 'INTEGRITY')
    // a route request, then silence where the sealed job should come: the proxy's deadline ends it
    const routed = await abuse(fuzzer, proxy, JOB_PROTOCOL, [frame(ClientFrame.encode({ route: { model: BUILTIN_MODEL_ID, maxTokens: 8, maxPriceNanoPerToken: 0n } }))], { closeWrite: true, waitMs: 15_000 })
    const replies = framesOf(routed.received, ProxyFrame)
    assert.ok(replies[0]?.offer != null, 'the proxy offered a worker')
    assert.ok(routed.end === 'closed' || routed.end === 'reset', `the proxy ended the abandoned job (${routed.end})`)
    assert.deepEqual(deadProcesses(net), [])
  })

  it('ends half-open streams by its read deadlines and keeps serving meanwhile', async () => {
    const open = await Promise.all(targets().filter(t => t.framed || t.protocol === ATTEST_PROTOCOL).flatMap(t => [
      halfOpen(fuzzer, t.peer, t.protocol, []), // says nothing
      halfOpen(fuzzer, t.peer, t.protocol, [encodeVarint(100), randomBytesFrom(rand, 10)]) // a frame cut short
    ]))
    // the node serves normal work while the half-open streams sit there
    const openai = new OpenAI({ baseURL: `${net.gatewayUrl}/v1`, apiKey: 'unused', maxRetries: 0 })
    const answer = await openai.chat.completions.create({ model: BUILTIN_MODEL_ID, messages: [{ role: 'user', content: 'are you alive?' }], max_tokens: 12 })
    assert.equal(answer.usage?.completion_tokens, 12)
    const ends: StreamEnd[] = await Promise.all(open.map(async o => o.ended(20_000)))
    for (const o of open) o.abort()
    assert.ok(ends.every(e => e !== 'timeout'), `every half-open stream was ended by the node: ${ends.join(', ')}`)
  })

  it('keeps every process alive and a normal chat completion working after the abuse', async () => {
    assert.deepEqual(deadProcesses(net), [])
    const openai = new OpenAI({ baseURL: `${net.gatewayUrl}/v1`, apiKey: 'unused', maxRetries: 0 })
    const models = await openai.models.list()
    assert.ok(models.data.some(m => m.id === BUILTIN_MODEL_ID), 'the worker is still in the proxy\'s table')
    let text = ''
    const stream = await openai.chat.completions.create({ model: BUILTIN_MODEL_ID, messages: [{ role: 'user', content: 'after the storm' }], max_tokens: 16, stream: true })
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? ''
    assert.ok(text.length > 0)
  })
})
