import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NodeConfigSchema } from '../../node/config.js'
import { createNode, type CocoonNode } from '../../node/create-node.js'
import { readStatus } from '../../node/status.js'

describe('a node\'s metrics and status', function () {
  this.timeout(60_000)
  let dir: string
  let node: CocoonNode

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cocoon-metrics-'))
    // A node with no role services: discovery and gossip only, no chain needed.
    node = await createNode(NodeConfigSchema.parse({ role: 'proxy', data: dir, metrics: '127.0.0.1:0' }))
  })
  after(async () => {
    await node?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('serves Prometheus metrics: libp2p families, process metrics and Cocoon gauges', async () => {
    const metrics = node.parts.metrics
    assert.ok(metrics != null)
    assert.match(metrics.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
    const res = await fetch(metrics.url!)
    assert.equal(res.status, 200)
    const text = await res.text()
    assert.match(text, /^libp2p_/m)
    assert.match(text, /^process_cpu_user_seconds_total/m)
    assert.match(text, /^cocoon_capacity_workers 0$/m)
  })

  it('writes a status file that cocoon status reads, and marks it stopped after stop()', async () => {
    const running = await readStatus(dir)
    assert.equal(running?.running, true)
    assert.equal(running?.peerId, node.peerId.toString())
    assert.ok((running?.addresses.length ?? 0) > 0)
    await node.stop()
    const stopped = await readStatus(dir)
    assert.equal(stopped?.running, false)
  })
})
