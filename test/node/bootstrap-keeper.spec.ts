import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p, type Libp2p } from 'libp2p'
import { BootstrapKeeper } from '../../node/bootstrap-keeper.js'
import { buildLibp2p, type CocoonLibp2p } from '../../node/libp2p.js'

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

    await new BootstrapKeeper(a, [], { identifyGraceMs: 0 }).check()
    assert.ok((await a.peerStore.get(b.peerId)).protocols.includes(PING_PROTOCOL), 'identify ran again and filled in the protocols')
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

    await new BootstrapKeeper(a, [address], { identifyGraceMs: 0 }).check()
    assert.equal(first.status, 'closed', 'the dead connection was closed')
    const now = a.getConnections(mute.peerId)
    assert.equal(now.length, 1, 'and the bootstrap peer dialled again')
    assert.notEqual(now[0].id, first.id)
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
