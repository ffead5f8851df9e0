import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { loadOrCreateMnemonic, readDevnetInfo, RegistryView, slashWorker, unbondWorker, REGISTRY_CACHE_TTL_MS } from '../../contracts/index.js'
import { BUILTIN_MODEL_ID, ModelHost, NodeLlamaCppEngine } from '../../models/index.js'
import { loadTestAuthority, REGISTRY_TTL_MS } from '../../protocols/attestation/index.js'
import { ENTRY_TTL_MS } from '../../protocols/capacity/index.js'
import { readStatus } from '../../node/status.js'
import { NodeProcess } from '../../node/network/child.js'
import { proc, startTestNetwork, type TestNetwork } from './harness.js'
import { scenarios } from './trust-certificates.js'
import { startCraftedWorker, type CraftedWorker } from './trust-crafted-worker.js'
import { chatMany, jobsDone, proxyTable, sleep, until } from './trust-traffic.js'

const REFUSED = 'worker refused: attestation failed'
const MODELS_REFUSED = 'worker models refused'

/** Raw ed25519 key of a peer: the worker's key in the registry. */
function workerKeyOf (id: string | PeerId): Uint8Array {
  const peer = typeof id === 'string' ? peerIdFromString(id) : id
  if (peer.publicKey == null) throw new Error(`${peer.toString()} carries no public key`)
  return peer.publicKey.raw
}

/** The flags `cocoon network` starts its workers with (node/network/launcher.ts). */
function workerArgs (net: TestNetwork, name: string, devTee = join(net.dir, 'dev-tee')): string[] {
  return ['start', '--role', 'worker', '--data', join(net.dir, name), '--bootstrap', net.proxyAddress, '--dev-tee', devTee, '--model', BUILTIN_MODEL_ID, ...net.chainFlags]
}

/**
 * Waits for the proxy's refusal of `workerId` with `reason`. The proxy logs again whenever the reason changes,
 * so a transient first reason (the chain briefly unreachable) does not fail the test; a wrong lasting one does.
 */
async function refusal (net: TestNetwork, workerId: string, reason: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const msg = reason === 'MODEL_NOT_ALLOWED' ? MODELS_REFUSED : REFUSED
  try {
    return await net.logs.waitFor('proxy', msg, timeoutMs, r => r.worker === workerId && r.reason === reason)
  } catch {
    const seen = net.logs.records('proxy', msg).filter(r => r.worker === workerId).map(r => `${String(r.reason)} (${String(r.err ?? JSON.stringify(r.models))})`)
    throw new Error(`the proxy did not refuse ${workerId} for ${reason} within ${timeoutMs} ms; it logged: ${seen.join('; ') || 'nothing'}`)
  }
}

/** The proxy's log lines saying a worker fell out of its capacity table. */
function tableExits (net: TestNetwork, workerId: string): Array<Record<string, unknown>> {
  return net.logs.records('proxy', /left capacity table/).filter(r => r.worker === workerId)
}

async function spawnWorker (net: TestNetwork, name: string, devTee?: string): Promise<string> {
  const worker = await net.spawn(name, workerArgs(net, name, devTee))
  return String((await worker.waitFor('started', 1000)).peerId)
}

describe('trust anchored in the TON registry (issue 5, whole network)', function () {
  this.timeout(300_000)
  let net: TestNetwork
  let engine: NodeLlamaCppEngine
  let host: ModelHost
  let honestId: string
  let chain: RegistryView
  const crafted: CraftedWorker[] = []

  before(async () => {
    net = await startTestNetwork({ workers: 1 })
    honestId = String((await proc(net, 'worker-1').waitFor('started', 1000)).peerId)
    chain = new RegistryView({ endpoint: net.endpoint, registry: net.registry, cacheTtlMs: 0 })
    // One model for every crafted worker of this process: what makes them able to run a job if one were routed.
    engine = new NodeLlamaCppEngine()
    host = new ModelHost({ engine, dataDir: join(net.dir, 'crafted-models') })
    const { loaded } = await host.start([BUILTIN_MODEL_ID])
    assert.equal(loaded.length, 1)
  })

  after(async () => {
    for (const w of crafted) await w.stop().catch(() => {})
    await host?.close()
    await engine?.close()
    await net?.close()
  })

  it('a worker whose quote chains to a root the registry does not accept refuses to start, naming the reason and the fix, and registers nothing', async () => {
    const name = 'rogue-root'
    const rogue = new NodeProcess(name, workerArgs(net, name, join(net.dir, 'rogue-tee')), net.logs.onLine)
    net.processes.push(rogue) // stopped with the network should it hang
    const startedAt = Date.now()
    const code = await Promise.race([rogue.exited, sleep(60_000).then(() => 'still running')])
    assert.notEqual(code, 'still running', 'it failed fast instead of waiting for an entry that never comes')
    assert.notEqual(code, 0)
    const said = net.logs.lines.filter(l => l.name === name).map(l => l.line).join('\n')
    assert.match(said, /ROOT_NOT_ACCEPTED/)
    assert.match(said, /cocoon registry accept-root [0-9a-f]{64}/)
    const peerId = /12D3Koo\w+/.exec(said)?.[0]
    if (peerId != null) assert.equal(await chain.workerEntry(workerKeyOf(peerId)), null, 'nothing was sent to the registry')
    process.stderr.write(`      (refused after ${Date.now() - startedAt} ms)\n`)
    const tally = await chatMany(net, 4)
    assert.deepEqual(tally.failed, [])
  })

  it('workers with an unaccepted root, an unattested model, a disallowed image, an unanchored hash, a flipped quote byte or an expired certificate never run a job, and the proxy logs why', async () => {
    const authority = await loadTestAuthority(join(net.dir, 'dev-tee'))
    const { control, adversaries } = await scenarios(authority)
    const started = await Promise.all([control, ...adversaries].map(async s => {
      const w = await startCraftedWorker({ net, name: s.name, host, craft: s.craft })
      crafted.push(w)
      return w
    }))
    const [honestCrafted, ...bad] = started
    const badIds = bad.map(w => w.peerId.toString())

    // The control is built the same way with an honest certificate: it joins and serves, so the others' exclusion
    // is down to their certificates, not to how they were built.
    await until('the crafted honest worker is in the proxy table', 30_000, async () => (await proxyTable(net)).includes(honestCrafted.peerId.toString()))
    await until('the crafted honest worker ran a job', 60_000, async () => {
      await chatMany(net, 4)
      return honestCrafted.work.jobsDone > 0
    }, 0)

    for (const [i, s] of adversaries.entries()) await refusal(net, badIds[i], s.reason as string)

    const honestBefore = await jobsDone(net, 'worker-1')
    const controlBefore = honestCrafted.work.jobsDone
    const tally = await chatMany(net, 16)
    assert.deepEqual(tally.failed, [])
    await until('the honest workers ran all 16 jobs', 15_000, async () =>
      await jobsDone(net, 'worker-1') - honestBefore + honestCrafted.work.jobsDone - controlBefore === 16)
    assert.deepEqual(bad.map(w => w.work.jobsDone), bad.map(() => 0), 'no adversary ran a job')

    const table = await proxyTable(net)
    assert.deepEqual(badIds.filter(id => table.includes(id)), [], 'no adversary in the proxy capacity table')
    const proxyStatus = await readStatus(join(net.dir, 'proxy'))
    const refused = proxyStatus?.extra.refusedWorkers as Record<string, string>
    assert.deepEqual(badIds.map(id => refused[id]), adversaries.map(s => s.reason))

    // Refusing them must not cost the honest worker that relays their gossip its place (see node/roles/proxy.ts).
    assert.deepEqual(tableExits(net, honestId), [], 'the honest worker stayed in the proxy table throughout')

    // Leave the next test one honest worker process again.
    for (const w of started) await w.stop()
    crafted.length = 0
    await until('the crafted honest worker left the proxy table', 30_000, async () => !(await proxyTable(net)).includes(honestCrafted.peerId.toString()))
  })

  it('a slashed worker and an unbonding worker stop receiving jobs within the registry and capacity TTLs', async () => {
    const [slashedId, unbondingId] = await Promise.all([spawnWorker(net, 'worker-slashed'), spawnWorker(net, 'worker-unbonding')])
    await until('the proxy lists both new workers', 30_000, async () => {
      const table = await proxyTable(net)
      return table.includes(slashedId) && table.includes(unbondingId)
    })
    await until('both new workers ran jobs', 90_000, async () => {
      await chatMany(net, 6, 3)
      return await jobsDone(net, 'worker-slashed') > 0 && await jobsDone(net, 'worker-unbonding') > 0
    }, 0)

    const devnet = await readDevnetInfo(join(net.dir, 'devnet'))
    assert.ok(devnet != null)
    await Promise.all([
      slashWorker({ endpoint: net.endpoint, registry: net.registry, adminMnemonic: devnet.adminMnemonic, workerKey: workerKeyOf(slashedId) }),
      unbondWorker({ endpoint: net.endpoint, registry: net.registry, walletMnemonic: await loadOrCreateMnemonic(join(net.dir, 'worker-unbonding')), workerKey: workerKeyOf(unbondingId) })
    ])
    const changedAt = Date.now()
    assert.notEqual((await chain.workerEntry(workerKeyOf(slashedId)))?.active, true)
    assert.equal((await chain.workerEntry(workerKeyOf(unbondingId)))?.active, false)

    // The longest a stale "active" can live: the chain view's cache, then the attestation cache's registry TTL,
    // then the last admitted announcement's life in the capacity table; plus slack for a loaded 2-core machine.
    const boundMs = REGISTRY_CACHE_TTL_MS + REGISTRY_TTL_MS + ENTRY_TTL_MS + 20_000
    let transitional = 0
    await until('the proxy refused and dropped both', boundMs, async () => {
      const tally = await chatMany(net, 4)
      transitional += tally.failed.length
      const table = await proxyTable(net)
      return !table.includes(slashedId) && !table.includes(unbondingId)
    }, 0)
    const droppedAfterMs = Date.now() - changedAt
    await refusal(net, slashedId, 'NOT_REGISTERED', 5000)
    await refusal(net, unbondingId, 'NOT_REGISTERED', 5000)

    const snapshot = { slashed: await jobsDone(net, 'worker-slashed'), unbonding: await jobsDone(net, 'worker-unbonding'), honest: await jobsDone(net, 'worker-1') }
    const tally = await chatMany(net, 12)
    assert.deepEqual(tally.failed, [])
    await until('the remaining honest worker ran all 12 jobs', 15_000, async () => await jobsDone(net, 'worker-1') === snapshot.honest + 12)
    await sleep(500)
    assert.equal(await jobsDone(net, 'worker-slashed'), snapshot.slashed, 'the slashed worker ran no more jobs')
    assert.equal(await jobsDone(net, 'worker-unbonding'), snapshot.unbonding, 'the unbonding worker ran no more jobs')
    assert.deepEqual(tableExits(net, honestId), [], 'the honest worker stayed in the proxy table throughout')
    process.stderr.write(`      (dropped ${droppedAfterMs} ms after the chain changed; ${transitional} completion(s) failed meanwhile)\n`)
  })
})
