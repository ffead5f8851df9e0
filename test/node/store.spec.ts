import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NodeStore } from '../../node/store.js'

describe('NodeStore peer cache', () => {
  let dir: string
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'cocoon-store-')) })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  it('keeps the peers of the last save across a reopen, and only those', async () => {
    const first = await NodeStore.open(dir)
    await first.savePeers([{ id: 'peer-a', addrs: ['/ip4/10.0.0.1/tcp/4001'] }, { id: 'peer-b', addrs: ['/ip4/10.0.0.2/tcp/4001'] }])
    // The next stop's save replaces the set: a peer no longer connected is not dialled again forever.
    await first.savePeers([{ id: 'peer-b', addrs: ['/ip4/10.0.0.2/tcp/4002', '/ip4/10.0.0.3/tcp/4001'] }])
    await first.close()
    const again = await NodeStore.open(dir)
    try {
      assert.deepEqual(await again.loadPeers(), [{ id: 'peer-b', addrs: ['/ip4/10.0.0.2/tcp/4002', '/ip4/10.0.0.3/tcp/4001'] }])
    } finally {
      await again.close()
    }
  })

  it('a new data directory has no cached peers', async () => {
    const store = await NodeStore.open(dir)
    try {
      assert.deepEqual(await store.loadPeers(), [])
    } finally {
      await store.close()
    }
  })
})
