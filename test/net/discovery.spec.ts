import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { BUILTIN_MODEL_SHA256 } from '../../models/index.js'
import { ENTRY_TTL_MS, PRUNE_INTERVAL_MS } from '../../protocols/capacity/index.js'
import { findModelWorkers } from '../../protocols/discovery/index.js'
import { streamChat } from '../../node/http/index.js'
import { buildLibp2p } from '../../node/libp2p.js'
import { COCOON_BIN } from '../../node/network/child.js'
import type { NodeStatus } from '../../node/status.js'
import { freePort, proc, startTestNetwork, type TestNetwork } from './harness.js'

const exec = promisify(execFile)

/** Retries `get` until it returns a value, for state that a node refreshes on its own schedule. */
async function eventually<T> (what: string, get: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms
  while (true) {
    const value = await get()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 500))
  }
}

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

  it('a DHT lookup of the built-in model\'s key (/cocoon/model/<sha256>) finds both workers', async () => {
    // A DHT client of its own, bootstrapped only to the proxy: what it finds came through the DHT, not a log.
    const finder = await buildLibp2p({ role: 'client', privateKey: await generateKeyPair('Ed25519'), listen: [], bootstrap: [net.proxyAddress] })
    await finder.start()
    try {
      const want = ['worker-1', 'worker-2'].map(peerIdOf).sort()
      const found = await eventually('both workers as providers', async () => {
        const ids = (await findModelWorkers(finder.contentRouting, BUILTIN_MODEL_SHA256, { limit: 2, timeoutMs: 5000 })).map(p => p.id.toString()).sort()
        return ids.length === 2 ? ids : undefined
      }, 60_000)
      assert.deepEqual(found, want)
    } finally {
      await finder.stop()
    }
  })

  it('cocoon status on the running proxy lists both workers in its capacity table and connected peers (JSON and text)', async () => {
    const data = join(net.dir, 'proxy')
    const workers = ['worker-1', 'worker-2'].map(peerIdOf)
    const status = (args: string[]): Promise<string> => exec(process.execPath, [COCOON_BIN, 'status', '--data', data, ...args]).then(r => r.stdout)
    // The proxy rewrites status.json every 2 s; wait for a write that has seen both workers.
    const json = await eventually('both workers in the status', async () => {
      const s = JSON.parse(await status(['--json'])) as NodeStatus
      const listed = workers.every(w => s.capacity.some(c => c.peerId === w) && s.connectedPeers.some(p => p.peerId === w))
      return listed ? s : undefined
    }, 15_000)
    assert.equal(json.running, true)
    assert.equal(json.role, 'proxy')
    assert.equal(json.peerId, peerIdOf('proxy'))
    for (const w of workers) assert.deepEqual(json.capacity.find(c => c.peerId === w)?.models, ['cocoon-tiny'])

    const text = await status([])
    assert.match(text, /^state\s+running \(pid \d+\)/m)
    const section = (title: RegExp): string => text.split(/\n(?=\S)/).find(block => title.test(block)) ?? ''
    const capacity = section(/^capacity table \(\d+ workers\)/)
    const connected = section(/^connected peers \(\d+\)/)
    for (const w of workers) {
      assert.match(capacity, new RegExp(`^  ${w}  models=cocoon-tiny `, 'm'), text)
      assert.match(connected, new RegExp(`^  ${w}  /ip4/`, 'm'), text)
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
