import assert from 'node:assert/strict'
import { join } from 'node:path'
import { ENTRY_TTL_MS, PRUNE_INTERVAL_MS } from '../../protocols/capacity/index.js'
import { streamChat } from '../../node/http/index.js'
import { freePort, proc, startTestNetwork, type TestNetwork } from './harness.js'

/** Issue 2 over separate processes started from the CLI: DHT discovery, capacity gossip timing, stable identity. */
describe('discovery and capacity across processes', function () {
  this.timeout(300_000)
  let net: TestNetwork

  before(async () => { net = await startTestNetwork({ workers: 2 }) })
  after(async () => { await net?.close() })

  function peerIdOf (name: string): string {
    const rec = net.logs.records(name, 'node identity')[0]
    return String(rec.peerId)
  }

  it('the proxy lists both workers within 3 s of each worker starting to announce', async () => {
    for (const w of ['worker-1', 'worker-2']) {
      const ready = net.logs.records(w, 'worker ready')[0]
      const joined = await net.logs.waitFor('proxy', 'worker joined capacity table', 10_000, r => r.worker === peerIdOf(w))
      const ms = Number(joined.time) - Number(ready.time)
      assert.ok(ms <= 3000, `${w} appeared after ${ms} ms`)
    }
  })

  it('a client bootstrapped only to a worker finds the proxy through the DHT and runs a job', async () => {
    const worker1Addr = (net.logs.records('worker-1', 'node started')[0].addresses as string[])[0]
    assert.match(worker1Addr, /\/p2p\//)
    const http = `127.0.0.1:${await freePort()}`
    const args = ['start', '--role', 'client', '--data', join(net.dir, 'client-2'), '--bootstrap', worker1Addr, '--http', http, ...net.chainFlags]
    const first = await net.spawn('client-2', args)
    const found = await net.logs.waitFor('client-2', 'proxy found; ready for jobs', 30_000)
    assert.deepEqual(found.proxies, [peerIdOf('proxy')])
    let text = ''
    for await (const t of streamChat({ url: `http://${http}`, model: 'cocoon-tiny', messages: [{ role: 'user', content: 'hi' }], maxTokens: 8 })) text += t
    assert.ok(text.length > 0)

    // Restarted from the same data directory, it keeps its PeerId.
    await first.stop()
    const again = await net.spawn('client-2b', args)
    const restarted = await again.waitFor('started', 30_000)
    assert.equal(restarted.peerId, (await first.waitFor('started', 1)).peerId)
  })

  it('drops a SIGKILLed worker within the TTL', async () => {
    const victim = proc(net, 'worker-2')
    const id = peerIdOf('worker-2')
    const killedAt = Date.now()
    victim.child.kill('SIGKILL')
    const left = await net.logs.waitFor('proxy', /^worker left capacity table/, ENTRY_TTL_MS + 10_000, r => r.worker === id)
    const ms = Number(left.time) - killedAt
    assert.ok(ms <= ENTRY_TTL_MS + PRUNE_INTERVAL_MS + 500, `dropped after ${ms} ms`)
    // The survivor is still listed.
    assert.ok(net.logs.records('proxy', /^worker left capacity table/).every(r => r.worker !== peerIdOf('worker-1')))
  })
})
