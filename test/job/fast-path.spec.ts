import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import { randomBytes } from '@noble/hashes/utils.js'
import * as Digest from 'multiformats/hashes/digest'
import { equals } from 'uint8arrays/equals'
import { buildLibp2p, type CocoonLibp2p } from '../../node/libp2p.js'
import { CapacityTable, SELECTION, WorkerStats } from '../../protocols/capacity/index.js'
import { CocoonError } from '../../protocols/common/errors.js'
import { wireBytes } from '../../protocols/common/bytes.js'
import { FrameStream } from '../../protocols/common/frames.js'
import {
  ClientLimits, codecs, JOB_PROTOCOL, MAX_FRAME_BYTES, ProxyService,
  type ProxyFrame, type ProxyServiceInit, type RouteRequest, type SealedJob
} from '../../protocols/job/index.js'
import { announce, kindOf, MODEL, PRICE, ScriptedWorker } from './fixtures.js'

const admitAll: ProxyServiceInit['certificateFor'] = async () => ({ certificate: new Uint8Array([1]), collateral: new Uint8Array([2]) })

function presealedRoute (worker: PeerId, jobId = randomBytes(16), overrides: Partial<SealedJob> = {}): RouteRequest {
  return {
    model: MODEL,
    maxTokens: 8,
    maxPriceNanoPerToken: 0n,
    preferredWorker: wireBytes(worker.toMultihash().bytes),
    sealed: { jobId: wireBytes(jobId), attempt: 1, ephemeralKey: wireBytes(randomBytes(32)), ciphertext: wireBytes(randomBytes(40)), model: MODEL, maxTokens: 8, ...overrides }
  }
}

describe('the proxy\'s fast path: a job sealed up front to a worker the client already knows', function () {
  this.timeout(60_000)
  let proxy: CocoonLibp2p
  let client: CocoonLibp2p
  let listed: ScriptedWorker
  let twin: ScriptedWorker
  let busy: ScriptedWorker
  let unlisted: ScriptedWorker
  let newcomer: ScriptedWorker
  let service: ProxyService

  before(async () => {
    ;[listed, twin, busy, unlisted, newcomer] = await Promise.all([ScriptedWorker.start(), ScriptedWorker.start(), ScriptedWorker.start(), ScriptedWorker.start(), ScriptedWorker.start()])
    const table = new CapacityTable({ ttlMs: Number.POSITIVE_INFINITY })
    // `unlisted` is not in this proxy's table (unknown to it, stale or refused); `twin` is as good as `listed`;
    // `busy` has one free slot of four; `newcomer` is only in the last test's proxy
    announce(table, listed.libp2p.peerId)
    announce(table, twin.libp2p.peerId)
    announce(table, busy.libp2p.peerId, 1)
    client = await buildLibp2p({ role: 'client', privateKey: await generateKeyPair('Ed25519'), listen: [], bootstrap: [] })
    await client.start()
    ;({ node: proxy, service } = await startProxy(table))
  })

  after(async () => {
    await service?.stop()
    await Promise.all([client, proxy, listed?.libp2p, twin?.libp2p, busy?.libp2p, unlisted?.libp2p, newcomer?.libp2p].map(async n => n?.stop()))
  })

  /** A proxy node serving the job protocol from `table`, known to the client; its own draw is always its top-ranked worker. */
  async function startProxy (table: CapacityTable, opts: { stats?: WorkerStats, certificateFor?: ProxyServiceInit['certificateFor'] } = {}): Promise<{ node: CocoonLibp2p, service: ProxyService }> {
    const node = await buildLibp2p({ role: 'proxy', privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [] })
    await node.start()
    for (const w of [listed, twin, busy, unlisted, newcomer]) await node.peerStore.merge(w.libp2p.peerId, { multiaddrs: w.libp2p.getMultiaddrs() })
    const started = new ProxyService({
      handle: node.handle.bind(node),
      unhandle: node.unhandle.bind(node),
      dialProtocol: node.dialProtocol.bind(node)
    }, {
      table,
      stats: opts.stats,
      // never by chance a lower-ranked worker (such as the busy one)
      random: () => 0,
      certificateFor: opts.certificateFor ?? admitAll,
      limits: new ClientLimits({ maxConcurrent: 100, ratePerSecond: 100, burst: 100 })
    })
    await started.start()
    await client.peerStore.merge(node.peerId, { multiaddrs: node.getMultiaddrs() })
    return { node, service: started }
  }

  /** Sends one route to a proxy (the shared one unless told) and returns every frame it sent until it closed the stream. */
  async function exchange (route: RouteRequest, to: CocoonLibp2p = proxy): Promise<ProxyFrame[]> {
    const frames = new FrameStream(await client.dialProtocol(to.peerId, JOB_PROTOCOL), { maxFrameBytes: MAX_FRAME_BYTES, readTimeoutMs: 10_000 })
    await frames.write(codecs.client, { route })
    const out: ProxyFrame[] = []
    while (true) {
      const frame = await frames.readOrEnd(codecs.proxy)
      if (frame === undefined) return out
      out.push(frame)
      if (frame.offer != null) {
        // answer the offer as a client re-sealing to the offered worker would
        await frames.write(codecs.client, { job: { jobId: frame.offer.jobId, attempt: frame.offer.attempt, ephemeralKey: wireBytes(randomBytes(32)), ciphertext: wireBytes(randomBytes(40)), model: MODEL, maxTokens: 8 } })
      }
      if (frame.final != null || frame.error != null) {
        await frames.closeWrite().catch(() => {})
        return out
      }
    }
  }

  it('forwards the pre-sealed job untouched to a listed worker, then confirms with Accepted before any chunk', async () => {
    const jobId = randomBytes(16)
    const route = presealedRoute(listed.libp2p.peerId, jobId)
    const frames = await exchange(route)
    assert.deepEqual(frames.map(kindOf), ['accepted', 'chunk', 'final'])
    assert.equal(frames[0].accepted?.priceNanoPerToken, PRICE)
    const got = listed.jobs.at(-1)
    assert.ok(got != null)
    assert.ok(equals(got.jobId, jobId))
    assert.equal(got.attempt, 1)
    assert.ok(equals(got.ciphertext, route.sealed!.ciphertext), 'the sealed bytes reach the worker exactly as the client sent them')
    assert.equal(unlisted.jobs.length, 0)
  })

  it('keeps the client\'s choice when it scores close to the proxy\'s own pick, and overrides a much busier one', async () => {
    const kept = await exchange(presealedRoute(twin.libp2p.peerId))
    assert.deepEqual(kept.map(kindOf), ['accepted', 'chunk', 'final'])
    assert.equal(twin.jobs.length, 1)
    const overridden = await exchange(presealedRoute(busy.libp2p.peerId))
    assert.deepEqual(overridden.map(kindOf), ['offer', 'chunk', 'final'])
    const offered = offeredWorker(overridden[0])
    assert.ok(offered === listed || offered === twin, 'the busier worker gave way to one of the idle ones')
    assert.equal(busy.jobs.length, 0)
    assert.equal(offered.jobs.at(-1)?.attempt, 2)
  })

  it('passes over a worker it does not list: offers its own choice as attempt 2 of the same job, the pre-sealed bytes go nowhere', async () => {
    const jobId = randomBytes(16)
    const frames = await exchange(presealedRoute(unlisted.libp2p.peerId, jobId))
    assert.deepEqual(frames.map(kindOf), ['offer', 'chunk', 'final'])
    const offer = frames[0].offer!
    assert.equal(offer.attempt, 2)
    assert.ok(equals(offer.jobId, jobId), 'the client-chosen job id stays the job\'s id')
    const offered = offeredWorker(frames[0])
    assert.notEqual(offered, unlisted)
    assert.equal(unlisted.jobs.length, 0)
    assert.ok(offered.jobs.at(-1) != null && equals(offered.jobs.at(-1)!.jobId, jobId))
    assert.equal(offered.jobs.at(-1)?.attempt, 2)
    assert.equal(service.counters.failovers, 0, 'passing over a pre-sealed worker is not a failover')
  })

  it('refuses malformed pre-sealed routes with BAD_REQUEST and forwards nothing', async () => {
    const before = listed.jobs.length + twin.jobs.length
    const cases: RouteRequest[] = [
      presealedRoute(listed.libp2p.peerId, randomBytes(16), { attempt: 2 }),
      presealedRoute(listed.libp2p.peerId, randomBytes(5)),
      presealedRoute(listed.libp2p.peerId, randomBytes(16), { model: 'another-model' }),
      { ...presealedRoute(listed.libp2p.peerId), preferredWorker: wireBytes(randomBytes(7)) },
      { ...presealedRoute(listed.libp2p.peerId), preferredWorker: undefined }
    ]
    for (const route of cases) {
      const frames = await exchange(route)
      assert.deepEqual(frames.map(kindOf), ['error'])
      assert.equal(frames[0].error?.code, 'BAD_REQUEST')
    }
    assert.equal(listed.jobs.length + twin.jobs.length, before)
  })

  it('offers a worker that joined since, once, instead of the client\'s pre-sealed one; then the client\'s choice stands again', async () => {
    // A proxy of its own, so that no latency measured by the tests above moves the scores: it has tried `listed`
    // (one job, no latency recorded), and `newcomer`, announced a little faster, is its own pick (its draw is always
    // the top), while `listed` scores well above presealedMinScoreRatio of it.
    const stats = new WorkerStats()
    stats.begin(listed.libp2p.peerId.toString())
    stats.end(listed.libp2p.peerId.toString(), { ok: true })
    const ownTable = new CapacityTable({ ttlMs: Number.POSITIVE_INFINITY })
    announce(ownTable, listed.libp2p.peerId)
    announce(ownTable, newcomer.libp2p.peerId, 4, 144)
    const other = await startProxy(ownTable, { stats })
    try {
      const first = await exchange(presealedRoute(listed.libp2p.peerId), other.node)
      assert.deepEqual(first.map(kindOf), ['offer', 'chunk', 'final'])
      assert.equal(offeredWorker(first[0]), newcomer, 'a worker this proxy never tried is offered')
      const listedBefore = listed.jobs.length
      const second = await exchange(presealedRoute(listed.libp2p.peerId), other.node)
      assert.deepEqual(second.map(kindOf), ['accepted', 'chunk', 'final'], 'once tried, the newcomer competes on its score')
      assert.equal(listed.jobs.length, listedBefore + 1)
      assert.equal(newcomer.jobs.length, 1)
    } finally {
      await other.service.stop()
      await other.node.stop()
    }
  })

  it('forwards a pre-sealed job before its admission check; a worker that fails it is stopped unread and the job fails over', async () => {
    const refused = await ScriptedWorker.start('stream-until-cancel')
    const stats = new WorkerStats()
    const ownTable = new CapacityTable({ ttlMs: Number.POSITIVE_INFINITY })
    for (const w of [refused, twin]) {
      announce(ownTable, w.libp2p.peerId)
      stats.begin(w.libp2p.peerId.toString())
      stats.end(w.libp2p.peerId.toString(), { ok: true })
    }
    // Its certificate expired after it was admitted to the table: the cached re-check is what catches it.
    const other = await startProxy(ownTable, {
      stats,
      certificateFor: async (worker, signal) => {
        if (worker.equals(refused.libp2p.peerId)) throw new CocoonError('ATTESTATION', 'certificate expired')
        return await admitAll(worker, signal)
      }
    })
    await other.node.peerStore.merge(refused.libp2p.peerId, { multiaddrs: refused.libp2p.getMultiaddrs() })
    try {
      const twinBefore = twin.jobs.length
      const frames = await exchange(presealedRoute(refused.libp2p.peerId), other.node)
      assert.deepEqual(frames.map(kindOf), ['offer', 'chunk', 'final'], 'never Accepted, and none of the refused worker\'s chunks')
      assert.equal(offeredWorker(frames[0]), twin)
      assert.equal(frames[0].offer?.attempt, 2)
      assert.equal(twin.jobs.length, twinBefore + 1)
      assert.equal(refused.jobs.length, 1, 'the job left before the check')
      for (let i = 0; i < 100 && refused.stopped === 0; i++) await new Promise(resolve => setTimeout(resolve, 20))
      assert.equal(refused.stopped, 1, 'the refused worker was stopped')
      assert.ok(stats.observe(refused.libp2p.peerId.toString()).successRate < SELECTION.priorSuccessRate, 'counted as its failure')
    } finally {
      await other.service.stop()
      await other.node.stop()
      await refused.libp2p.stop()
    }
  })

  /** The recording worker a RouteOffer names. */
  function offeredWorker (frame: ProxyFrame): ScriptedWorker {
    const id = peerIdFromMultihash(Digest.decode(frame.offer!.workerPeerId))
    const found = [listed, twin, busy, unlisted, newcomer].find(w => w.libp2p.peerId.equals(id))
    assert.ok(found != null, 'the offer names one of the test workers')
    return found
  }
})
