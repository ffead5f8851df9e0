import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p, type Libp2p } from 'libp2p'
import { BootstrapKeeper, hasGossipBothWays } from '../../node/bootstrap-keeper.js'
import { buildLibp2p, type CocoonLibp2p } from '../../node/libp2p.js'
import { GOSSIP_MESH } from '../../protocols/capacity/constants.js'

const PING_PROTOCOL = '/ipfs/ping/1.0.0'

const sleep = async (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

async function until (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

async function node (bootstrap: string[] = []): Promise<CocoonLibp2p> {
  const libp2p = await buildLibp2p({ role: 'worker', privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap })
  await libp2p.start()
  return libp2p
}

/** A peer that completes the handshake but speaks no protocol at all, identify included. */
async function mutePeer (): Promise<Libp2p> {
  const mute = await createLibp2p({ privateKey: await generateKeyPair('Ed25519'), addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] }, transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
  await mute.start()
  return mute
}

describe('BootstrapKeeper', function () {
  this.timeout(30_000)
  const running: Array<Libp2p<any>> = []
  afterEach(async () => { await Promise.all(running.splice(0).map(async n => n.stop())) })

  it('runs identify again on a connection that missed it, and the protocols\' users then get the peer', async () => {
    const b = await node()
    // A node whose identify never runs by itself: what a timed-out identify leaves behind.
    const a = await createLibp2p({
      privateKey: await generateKeyPair('Ed25519'),
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify({ runOnConnectionOpen: false }) }
    })
    await a.start()
    running.push(a, b)
    const connected: string[] = []
    await a.register(PING_PROTOCOL, { onConnect: (peer) => { connected.push(peer.toString()) } })
    const connection = await a.dial(b.getMultiaddrs()[0])
    await sleep(300)
    assert.ok(!(await a.peerStore.get(b.peerId)).protocols.includes(PING_PROTOCOL), 'the connection is open but its peer unidentified')
    assert.equal(connected.length, 0, 'so no protocol user was told of it')

    const keeper = new BootstrapKeeper(a, [], { identifyGraceMs: 0 })
    await keeper.check()
    assert.ok((await a.peerStore.get(b.peerId)).protocols.includes(PING_PROTOCOL), 'identify ran again and filled in the protocols')
    assert.deepEqual(keeper.repairs, { reidentified: 1, closedUnidentified: 0, closedBrokenGossip: 0 })
    await until('the topology to be told', () => connected.includes(b.peerId.toString()))
    assert.equal(connection.status, 'open', 'the repaired connection is kept')
  })

  it('once started, trusts the identify it saw and runs none again on healthy connections', async () => {
    const b = await node()
    const a = await node()
    running.push(a, b)
    const keeper = new BootstrapKeeper(a, [], { identifyGraceMs: 0 })
    keeper.start()
    try {
      const connection = await a.dial(b.getMultiaddrs()[0])
      await until('identify to complete', async () => (await a.peerStore.get(b.peerId)).protocols.includes(PING_PROTOCOL))
      await until('gossip streams both ways', () => hasGossipBothWays(connection))
      let identifies = 0
      const identify = a.services.identify.identify.bind(a.services.identify)
      a.services.identify.identify = async (...args) => { identifies++; return identify(...args) }
      await keeper.check()
      await keeper.check()
      assert.equal(identifies, 0)
      assert.equal(connection.status, 'open')
    } finally {
      keeper.stop()
    }
  })

  it('leaves a connection alone while it is younger than the grace period', async () => {
    const a = await node()
    running.push(a)
    const mute = await mutePeer()
    running.push(mute)
    const connection = await a.dial(mute.getMultiaddrs()[0])
    await new BootstrapKeeper(a, [], { identifyGraceMs: 60_000 }).check()
    assert.equal(connection.status, 'open', 'a young connection to a peer that never answers identify is kept for now')
  })

  it('closes a connection where identify fails again, then dials its bootstrap list afresh', async () => {
    const mute = await mutePeer()
    running.push(mute)
    const address = mute.getMultiaddrs()[0].toString()
    const a = await node()
    running.push(a)
    const first = await a.dial(mute.getMultiaddrs()[0])

    const keeper = new BootstrapKeeper(a, [address], { identifyGraceMs: 0 })
    await keeper.check()
    assert.equal(first.status, 'closed', 'the dead connection was closed')
    assert.equal(keeper.repairs.closedUnidentified, 1)
    const now = a.getConnections(mute.peerId)
    assert.equal(now.length, 1, 'and the bootstrap peer dialled again')
    assert.notEqual(now[0].id, first.id)
  })

  it('closes a connection whose peer\'s gossip stream is gone, redials, and the new connection gossips both ways', async () => {
    const b = await node()
    const a = await node()
    running.push(a, b)
    b.services.pubsub.subscribe('t')
    const first = await a.dial(b.getMultiaddrs()[0])
    await until('gossip streams both ways', () => hasGossipBothWays(first))
    await until('b\'s subscription to reach a', () => a.services.pubsub.getSubscribers('t').some(p => p.equals(b.peerId)))
    // b's own gossip stream to a fails, as an open under load does: gossipsub never opens another one
    const onB = b.getConnections(a.peerId)[0]
    for (const st of onB.streams.filter(st => st.protocol?.startsWith('/meshsub/') === true && st.direction === 'outbound')) st.abort(new Error('lost'))
    await until('a to see only its own stream', () => !hasGossipBothWays(first))
    const keeper = new BootstrapKeeper(a, [b.getMultiaddrs()[0].toString()], { identifyGraceMs: 0 })
    // while a job runs on it, the connection is left alone
    await b.handle('/cocoon/probe/1.0.0', () => {})
    const job = await first.newStream('/cocoon/probe/1.0.0')
    await keeper.check()
    assert.equal(first.status, 'open', 'a connection carrying a job is not cut')
    job.abort(new Error('job over'))
    await until('the job stream to be gone', () => !first.streams.includes(job))
    await keeper.check()
    assert.equal(first.status, 'closed', 'the one-sided connection was closed')
    assert.equal(keeper.repairs.closedBrokenGossip, 1)
    const now = a.getConnections(b.peerId)
    assert.equal(now.length, 1, 'and the bootstrap peer dialled again')
    await until('gossip streams both ways again', () => hasGossipBothWays(now[0]))
    await until('b\'s subscription to reach a again', () => a.services.pubsub.getSubscribers('t').some(p => p.equals(b.peerId)))
    await keeper.check()
    assert.equal(now[0].status, 'open', 'a connection that gossips both ways is kept')
  })

  it('leaves broken gossip links alone while the node has as many working gossip peers as its mesh wants', async () => {
    const a = await node()
    const peers = await Promise.all(Array.from({ length: GOSSIP_MESH.D + 1 }, async () => node()))
    running.push(a, ...peers)
    const connections = await Promise.all(peers.map(async p => a.dial(p.getMultiaddrs()[0])))
    await until('gossip streams both ways', () => connections.every(hasGossipBothWays))
    const broken = peers[0]
    for (const st of broken.getConnections(a.peerId)[0].streams.filter(st => st.protocol?.startsWith('/meshsub/') === true && st.direction === 'outbound')) st.abort(new Error('lost'))
    await until('a to see only its own stream', () => !hasGossipBothWays(connections[0]))
    const keeper = new BootstrapKeeper(a, [], { identifyGraceMs: 0 })
    await keeper.check()
    assert.equal(connections[0].status, 'open', `${GOSSIP_MESH.D} peers still gossip: one broken link is not worth a reconnect`)
    assert.equal(keeper.repairs.closedBrokenGossip, 0)
  })

  it('keeps a connection without gossip streams to a peer that does not speak gossipsub', async () => {
    const a = await node()
    const plain = await createLibp2p({ privateKey: await generateKeyPair('Ed25519'), addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] }, transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()], services: { identify: identify() } })
    await plain.start()
    running.push(a, plain)
    const connection = await a.dial(plain.getMultiaddrs()[0])
    await until('identify to complete', async () => (await a.peerStore.get(plain.peerId)).protocols.length > 0)
    await new BootstrapKeeper(a, [], { identifyGraceMs: 0 }).check()
    assert.equal(connection.status, 'open')
  })

  it('with no connection at all, dials the bootstrap list', async () => {
    const b = await node()
    const a = await node()
    running.push(a, b)
    assert.equal(a.getConnections().length, 0)
    await new BootstrapKeeper(a, [b.getMultiaddrs()[0].toString()]).check()
    assert.equal(a.getConnections(b.peerId).length, 1)
  })
})
