import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Address } from '@ton/core'
import { NodeProcess } from '../../node/network/child.js'
import type { NodeStatus } from '../../node/status.js'
import { NodeStore } from '../../node/store.js'
import { LogBook } from '../net/harness.js'

/**
 * `<data>/status.json` exactly as the node left it. Not readStatus(): that reports running:false for any dead
 * pid, so it cannot tell a node that stopped cleanly from one that was killed.
 */
async function rawStatus (data: string): Promise<NodeStatus> {
  return JSON.parse(await readFile(join(data, 'status.json'), 'utf8'))
}

async function until<T> (what: string, get: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms
  while (true) {
    const value = await get().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

/** Graceful shutdown of `cocoon start` and the peer cache it leaves behind, on real processes. */
describe('cocoon start: shutdown on a signal, and the peer cache', function () {
  this.timeout(180_000)
  const logs = new LogBook()
  const procs: NodeProcess[] = []
  let dir: string
  /**
   * Proxies need a chain in their flags, but one with no workers never reads it: nothing listens on port 9. Proxies
   * rather than clients because they listen, so a restarted one can be dialled back and its peers cached.
   */
  const chain = ['--ton', 'http://127.0.0.1:9/jsonRPC', '--registry', new Address(0, Buffer.alloc(32)).toString()]
  let a: { data: string, peerId: string, address: string }
  const bData = (): string => join(dir, 'b')

  async function start (name: string, data: string, extra: string[] = []): Promise<{ proc: NodeProcess, peerId: string, address: string }> {
    const proc = new NodeProcess(name, ['start', '--role', 'proxy', '--data', data, ...chain, ...extra], logs.onLine)
    procs.push(proc)
    const started = await proc.waitFor('started', 60_000)
    return { proc, peerId: String(started.peerId), address: (started.addresses as string[])[0] }
  }

  /** Sends `signal` and checks the three signs of a clean stop: exit code 0, the last log line, running:false on disk. */
  async function stopsCleanly (proc: NodeProcess, data: string, signal: NodeJS.Signals): Promise<void> {
    assert.equal((await rawStatus(data)).running, true, 'running before the signal')
    proc.child.kill(signal)
    const code = await proc.exited
    assert.equal(code, 0, `${proc.name} exit code after ${signal}\n${logs.tail()}`)
    assert.equal(logs.records(proc.name, 'shutting down')[0]?.signal, signal)
    assert.equal(logs.records(proc.name, 'node stopped').length, 1, `${proc.name} logged "node stopped"\n${logs.tail()}`)
    const status = await rawStatus(data)
    assert.equal(status.running, false)
    assert.equal(status.pid, proc.child.pid)
  }

  /** The peer ids the node last wrote as connected, once `want` is among them. */
  async function connectedTo (data: string, want: string): Promise<string[]> {
    return until(`${data} connected to ${want}`, async () => {
      const ids = (await rawStatus(data)).connectedPeers.map(p => p.peerId)
      return ids.includes(want) ? ids : undefined
    }, 30_000)
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cocoon-shutdown-'))
    const first = await start('a', join(dir, 'a'))
    a = { data: join(dir, 'a'), peerId: first.peerId, address: first.address }
  })

  after(async () => {
    // Any node a failed test left running; stop() is a no-op for those already gone.
    for (const p of procs) await p.stop(5000)
    await rm(dir, { recursive: true, force: true })
  })

  it('SIGTERM: exit code 0, "node stopped" logged, status.json says running:false', async () => {
    const b = await start('b', bData(), ['--bootstrap', a.address])
    await connectedTo(bData(), a.peerId)
    await stopsCleanly(b.proc, bData(), 'SIGTERM')
  })

  it('a stopped node cached the peers it dialled, and restarted without --bootstrap it reconnects from that cache', async () => {
    const store = await NodeStore.open(bData())
    let cached
    try {
      cached = await store.loadPeers()
    } finally {
      await store.close()
    }
    assert.deepEqual(cached.find(p => p.id === a.peerId)?.addrs, [a.address.replace(`/p2p/${a.peerId}`, '')], JSON.stringify(cached))
    // Its listen port is new, so `a` cannot be the one that dials: the connection comes from b's cache.
    await start('b-again', bData())
    await connectedTo(bData(), a.peerId)
  })

  it('SIGINT: exit code 0, "node stopped" logged, status.json says running:false', async () => {
    await stopsCleanly(procs[0], a.data, 'SIGINT')
  })
})
