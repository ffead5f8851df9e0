import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { randomBytes } from '@noble/hashes/utils.js'
import { buildLibp2p, type CocoonLibp2p } from '../../node/libp2p.js'
import { CapacityTable, SELECTION } from '../../protocols/capacity/index.js'
import { wireBytes } from '../../protocols/common/bytes.js'
import { FrameStream } from '../../protocols/common/frames.js'
import {
  ClientLimits, codecs, JOB_PROTOCOL, MAX_FRAME_BYTES, MAX_QUEUED_FRAMES, ProxyService, REQUEST_TIMEOUT_MS, SLOT_WAIT_MS,
  type ProxyFrame, type SealedJob
} from '../../protocols/job/index.js'
import { announce, kindOf, MODEL, ScriptedWorker, type WorkerScript } from './fixtures.js'

/**
 * How a job ends at the proxy when things go wrong, with one proxy (the real ProxyService) and scripted workers
 * in this process: the typed error the client gets, and whether the worker's record at the proxy is touched.
 */
describe('the proxy when a job goes wrong: typed errors, and stats that only the worker can spoil', function () {
  this.timeout(60_000)
  let client: CocoonLibp2p
  const running: Array<{ stop: () => Promise<void> }> = []

  before(async () => {
    client = await buildLibp2p({ role: 'client', privateKey: await generateKeyPair('Ed25519'), listen: [], bootstrap: [] })
    await client.start()
  })

  afterEach(async () => {
    await Promise.all(running.splice(0).map(async r => { await r.stop() }))
  })

  after(async () => {
    await client?.stop()
  })

  /** One proxy whose table lists exactly the given workers, each with free slots. */
  async function proxyOver (scripts: WorkerScript[], random?: () => number): Promise<{ service: ProxyService, libp2p: CocoonLibp2p, workers: ScriptedWorker[] }> {
    const workers = await Promise.all(scripts.map(async s => await ScriptedWorker.start(s)))
    const libp2p = await buildLibp2p({ role: 'proxy', privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [] })
    await libp2p.start()
    const table = new CapacityTable({ ttlMs: Number.POSITIVE_INFINITY })
    for (const w of workers) {
      await libp2p.peerStore.merge(w.libp2p.peerId, { multiaddrs: w.libp2p.getMultiaddrs() })
      announce(table, w.libp2p.peerId)
    }
    const service = new ProxyService({ handle: libp2p.handle.bind(libp2p), unhandle: libp2p.unhandle.bind(libp2p), dialProtocol: libp2p.dialProtocol.bind(libp2p) }, {
      table,
      random,
      certificateFor: async () => ({ certificate: new Uint8Array([1]), collateral: new Uint8Array([2]) }),
      limits: new ClientLimits({ maxConcurrent: 100, ratePerSecond: 100, burst: 100 })
    })
    await service.start()
    await client.peerStore.merge(libp2p.peerId, { multiaddrs: libp2p.getMultiaddrs() })
    running.push({ stop: async () => { await service.stop(); await Promise.all([libp2p, ...workers.map(w => w.libp2p)].map(async n => { await n.stop() })) } })
    return { service, libp2p, workers }
  }

  async function openJob (proxy: CocoonLibp2p): Promise<FrameStream> {
    const frames = new FrameStream(await client.dialProtocol(proxy.peerId, JOB_PROTOCOL), { maxFrameBytes: MAX_FRAME_BYTES, readTimeoutMs: REQUEST_TIMEOUT_MS + SLOT_WAIT_MS + 5000 })
    await frames.write(codecs.client, { route: { model: MODEL, maxTokens: 8, maxPriceNanoPerToken: 0n } })
    return frames
  }

  /** Answers every offer with a (random) sealed job, as a client re-sealing would, and returns all frames to the end. */
  async function playClient (frames: FrameStream): Promise<ProxyFrame[]> {
    const out: ProxyFrame[] = []
    while (true) {
      const frame = await frames.readOrEnd(codecs.proxy)
      if (frame === undefined) return out
      out.push(frame)
      if (frame.offer != null) await frames.write(codecs.client, { job: sealedJobFor(frame) })
      if (frame.final != null || frame.error != null) return out
    }
  }

  it('a worker whose stream breaks mid-answer and no other worker: WORKER_LOST, and the failure counts against it', async () => {
    const { service, libp2p, workers: [breaker] } = await proxyOver(['break'])
    const frames = await playClient(await openJob(libp2p))
    assert.deepEqual(frames.map(kindOf), ['offer', 'chunk', 'error'])
    assert.equal(frames.at(-1)?.error?.code, 'WORKER_LOST')
    const seen = service.stats.observe(breaker.libp2p.peerId.toString())
    assert.ok(seen.successRate < SELECTION.priorSuccessRate, `success rate ${seen.successRate}`)
    assert.equal(seen.inFlight, 0)
  })

  it('a worker that turns out busy and no other worker: NO_CAPACITY after the slot wait, not WORKER_LOST, and no failure on record', async () => {
    const { service, libp2p, workers: [busy] } = await proxyOver(['busy'])
    const started = Date.now()
    const frames = await playClient(await openJob(libp2p))
    assert.deepEqual(frames.map(kindOf), ['offer', 'error'])
    assert.equal(frames.at(-1)?.error?.code, 'NO_CAPACITY', frames.at(-1)?.error?.message)
    assert.ok(Date.now() - started >= SLOT_WAIT_MS - 100, 'the job waited for a slot before giving up')
    assert.equal(service.stats.observe(busy.libp2p.peerId.toString()).successRate, SELECTION.priorSuccessRate)
  })

  it('a busy worker with another one free: the job completes on the other', async () => {
    // random 0: the proxy's draw takes the first of equals, the busy worker (listed first)
    const { libp2p, workers: [busy, free] } = await proxyOver(['busy', 'answer'], () => 0)
    const frames = await playClient(await openJob(libp2p))
    assert.deepEqual(frames.map(kindOf), ['offer', 'offer', 'chunk', 'final'])
    assert.deepEqual([busy.jobs.length, free.jobs.length], [1, 1])
  })

  it('a client that abandons its job mid-answer: the worker is stopped and its success rate is untouched', async () => {
    const { service, libp2p, workers: [worker] } = await proxyOver(['stream-until-cancel'])
    const frames = await openJob(libp2p)
    const offer = await frames.read(codecs.proxy)
    await frames.write(codecs.client, { job: sealedJobFor(offer) })
    assert.equal(kindOf(await frames.read(codecs.proxy)), 'chunk')
    frames.abort(new Error('the app crashed'))
    await waitFor(() => worker.stopped === 1, 'the worker was stopped')
    await waitFor(() => service.stats.observe(worker.libp2p.peerId.toString()).inFlight === 0, 'the attempt ended')
    assert.equal(service.stats.observe(worker.libp2p.peerId.toString()).successRate, SELECTION.priorSuccessRate)
  })

  it('a client that floods frames during the answer: BAD_REQUEST, the worker is stopped, nothing is held for it', async () => {
    const { service, libp2p, workers: [worker] } = await proxyOver(['stream-until-cancel'])
    const frames = await openJob(libp2p)
    const offer = await frames.read(codecs.proxy)
    await frames.write(codecs.client, { job: sealedJobFor(offer) })
    // Flood only once the answer streams: flooded at once, the proxy could cancel the job before the worker had read
    // it (the worker then never started, and there was nothing to stop).
    assert.equal(kindOf(await frames.read(codecs.proxy)), 'chunk')
    // receipts are the frames a client may send while an answer streams; a proxy that reads none must not hoard them
    const flood = Array.from({ length: MAX_QUEUED_FRAMES + 4 }, () => ({ receipt: { jobId: offer.offer!.jobId, tokens: 1n, amountNano: 1n, seq: 1n, signature: new Uint8Array(256 * 1024).fill(1) } }))
    void frames.writeMany(codecs.client, flood).catch(() => {})
    let last: ProxyFrame | undefined
    while (last?.error == null) {
      const next = await frames.readOrEnd(codecs.proxy)
      if (next === undefined) break
      last = next
    }
    assert.equal(last?.error?.code, 'BAD_REQUEST', JSON.stringify(last))
    assert.match(last?.error?.message ?? '', /frames/)
    await waitFor(() => worker.stopped === 1, 'the worker was stopped')
    assert.equal(service.stats.observe(worker.libp2p.peerId.toString()).successRate, SELECTION.priorSuccessRate)
  })

  it(`an offer the client never answers: TIMEOUT after ${REQUEST_TIMEOUT_MS} ms reaches the client as a typed error`, async () => {
    const { service, libp2p, workers: [worker] } = await proxyOver(['answer'])
    const frames = await openJob(libp2p)
    assert.equal(kindOf(await frames.read(codecs.proxy)), 'offer')
    const error = await frames.read(codecs.proxy, { timeoutMs: REQUEST_TIMEOUT_MS + 5000 })
    assert.equal(error.error?.code, 'TIMEOUT', JSON.stringify(error))
    assert.equal(worker.jobs.length, 0, 'nothing was forwarded')
    assert.equal(service.stats.observe(worker.libp2p.peerId.toString()).successRate, SELECTION.priorSuccessRate)
  })
})

function sealedJobFor (frame: ProxyFrame): SealedJob {
  assert.ok(frame.offer != null, `expected an offer, got ${kindOf(frame)}`)
  return { jobId: wireBytes(frame.offer.jobId), attempt: frame.offer.attempt, ephemeralKey: wireBytes(randomBytes(32)), ciphertext: wireBytes(randomBytes(40)), model: MODEL, maxTokens: 8 }
}

async function waitFor (check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}
