import assert from 'node:assert/strict'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import { WarmStreams } from '../../protocols/common/warm-streams.js'
import type { Libp2p, Stream } from '@libp2p/interface'

/** Real TCP + Noise + Yamux: what matters is how real streams open, close and reset. */
const PROTOCOL = '/cocoon/test-warm/1.0.0'

async function node (): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
}

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

async function until (check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** Sends one byte and resolves with the byte the server echoes back (plus one). */
async function roundTrip (stream: Stream, byte: number): Promise<number> {
  const answer = new Promise<number>((resolve) => {
    stream.addEventListener('message', (evt) => { resolve(evt.data.subarray()[0]) }, { once: true })
  })
  stream.send(Uint8Array.of(byte))
  return answer
}

describe('WarmStreams: negotiated streams kept ready for the next job', () => {
  let server: Libp2p
  let client: Libp2p
  let inbound: Stream[]
  let pool: WarmStreams | undefined

  before(async () => {
    server = await node()
    client = await node()
    await server.handle(PROTOCOL, (stream) => {
      inbound.push(stream)
      stream.addEventListener('message', (evt) => { stream.send(Uint8Array.of(evt.data.subarray()[0] + 1)) })
      stream.addEventListener('remoteCloseWrite', () => { void stream.close().catch(() => {}) })
    })
    await client.dial(server.getMultiaddrs()[0])
  })

  beforeEach(() => { inbound = [] })
  afterEach(() => { pool?.stop() })

  after(async () => {
    await Promise.all([client?.stop(), server?.stop()])
  })

  const makePool = (opts: { maxIdleMs?: number, keepWarmMs?: number, clock?: () => number, refillDelayMs?: number, depth?: number, jobStarting?: () => boolean } = {}): WarmStreams => {
    pool = new WarmStreams({
      protocol: PROTOCOL,
      dial: async (peer, protocol, options) => await client.dialProtocol(peer, protocol, options),
      maxIdleMs: opts.maxIdleMs ?? 5000,
      keepWarmMs: opts.keepWarmMs,
      clock: opts.clock,
      refillDelayMs: opts.refillDelayMs,
      jobStarting: opts.jobStarting,
      // one warm stream per peer unless a test is about depth: counts of streams opened stay exact
      depth: opts.depth ?? 1
    })
    return pool
  }

  it('dials the first stream, opens the next once it closes, and hands that one out already negotiated', async () => {
    const p = makePool()
    const first = await p.take(server.peerId, AbortSignal.timeout(5000))
    assert.equal(await roundTrip(first, 1), 2)
    assert.equal(p.size, 0, 'nothing is opened while the first stream is in use')
    await first.close()
    await until(() => p.size === 1, 'a warm stream')
    const second = await p.take(server.peerId, AbortSignal.timeout(5000))
    assert.equal(await roundTrip(second, 41), 42)
    assert.deepEqual(p.counters, { warm: 1, cold: 1 })
    await second.close()
  })

  it('makes a deadline given as a function only when it has to dial or wait, and dials under it', async () => {
    const p = makePool()
    const made: AbortSignal[] = []
    const deadline = (): AbortSignal => { const s = AbortSignal.timeout(5000); made.push(s); return s }
    const first = await p.take(server.peerId, deadline)
    assert.equal(made.length, 1, 'the cold take dialled under a deadline it made')
    await first.close()
    await until(() => p.size === 1, 'a warm stream')
    const second = await p.take(server.peerId, deadline)
    assert.equal(made.length, 1, 'a warm take makes none')
    assert.equal(await roundTrip(second, 5), 6)
    await second.close()
    await until(() => p.size === 1, 'a warm stream again')
    p.forget(server.peerId)
    await assert.rejects(p.take(server.peerId, () => AbortSignal.abort(new Error('deadline passed'))), 'a dial under a deadline already passed fails')
  })

  it('opens the replacement refillDelayMs after a close, and a take before then dials at once', async () => {
    const p = makePool({ refillDelayMs: 300 })
    await (await p.take(server.peerId, AbortSignal.timeout(5000))).close()
    await sleep(100)
    assert.equal(p.size, 0, 'nothing opened while the answer that just ended may still be on its way')
    assert.equal(inbound.length, 1)
    const second = await p.take(server.peerId, AbortSignal.timeout(5000))
    assert.equal(await roundTrip(second, 3), 4)
    assert.deepEqual(p.counters, { warm: 0, cold: 2 })
    await until(() => p.size === 1, 'the replacement, opened once the delay is out')
    assert.equal(inbound.length, 3)
    await second.close()
  })

  it('holds a replacement while a job of this node is starting, and opens it once the job has its first token', async () => {
    let starting = true
    const p = makePool({ refillDelayMs: 10, jobStarting: () => starting })
    await (await p.take(server.peerId, AbortSignal.timeout(5000))).close()
    await sleep(60)
    assert.equal(p.size, 0, 'no stream opened while a job is starting')
    assert.equal(inbound.length, 1)
    starting = false
    await until(() => p.size === 1, 'the replacement, once no job is starting')
    assert.equal(inbound.length, 2)
  })

  it('keeps two streams warm by default, so a job right after another finds one open', async () => {
    const p = makePool({ depth: 2 })
    await (await p.take(server.peerId, AbortSignal.timeout(5000))).close()
    await until(() => p.size === 2, 'two warm streams')
    const first = await p.take(server.peerId, AbortSignal.timeout(5000))
    const second = await p.take(server.peerId, AbortSignal.timeout(5000))
    assert.deepEqual(p.counters, { warm: 2, cold: 1 }, 'both back-to-back jobs found a warm stream')
    assert.equal(await roundTrip(first, 5), 6)
    assert.equal(await roundTrip(second, 7), 8)
    await first.close()
    await second.close()
    await until(() => p.size === 2, 'two warm streams again')
    await sleep(100)
    assert.equal(inbound.length, 5, 'no more than two were opened to replace two')
  })

  it('never hands out a stream the server closed or reset while it sat idle', async () => {
    const p = makePool()
    await (await p.take(server.peerId, AbortSignal.timeout(5000))).close()
    await until(() => p.size === 1, 'a warm stream')
    // The server gives up on the idle stream (as a proxy does when no first frame comes).
    inbound.at(-1)?.abort(new Error('server lost patience'))
    await sleep(50)
    const fresh = await p.take(server.peerId, AbortSignal.timeout(5000))
    assert.equal(fresh.status, 'open')
    assert.equal(await roundTrip(fresh, 7), 8)
    assert.deepEqual(p.counters, { warm: 0, cold: 2 })
    await fresh.close()
  })

  it('replaces an idle stream before the server would give up on it', async () => {
    const p = makePool({ maxIdleMs: 150 })
    await (await p.take(server.peerId, AbortSignal.timeout(5000))).close()
    await until(() => p.size === 1, 'a warm stream')
    const firstIdle = inbound.length
    await until(() => inbound.length > firstIdle, 'a replacement stream', 2000)
    await until(() => p.size === 1, 'the replacement to be ready')
    const s = await p.take(server.peerId, AbortSignal.timeout(5000))
    assert.equal(await roundTrip(s, 9), 10)
    assert.equal(p.counters.warm, 1)
    await s.close()
  })

  it('lets a peer go cold when it has not been used for keepWarmMs', async () => {
    let now = 1_000_000
    const p = makePool({ keepWarmMs: 1000, clock: () => now })
    const s = await p.take(server.peerId, AbortSignal.timeout(5000))
    now += 5000 // the stream stays in use longer than keepWarmMs
    await s.close()
    await sleep(100)
    assert.equal(p.size, 0)
    assert.equal(inbound.length, 1, 'no stream was opened for a peer nobody uses')
  })

  it('forget() and stop() close the idle streams they hold', async () => {
    const p = makePool()
    await (await p.take(server.peerId, AbortSignal.timeout(5000))).close()
    await until(() => p.size === 1, 'a warm stream')
    const idle = inbound.at(-1)
    p.forget(server.peerId)
    assert.equal(p.size, 0)
    await until(() => idle?.status === 'closed', 'the idle stream to close on the server')

    await (await p.take(server.peerId, AbortSignal.timeout(5000))).close()
    await until(() => p.size === 1, 'a warm stream again')
    const another = inbound.at(-1)
    p.stop()
    assert.equal(p.size, 0)
    await until(() => another?.status === 'closed', 'the idle stream to close on stop')
  })
})
