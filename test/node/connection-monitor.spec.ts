import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { buildLibp2p, PING_TIMEOUT_MIN_MS, type CocoonLibp2p } from '../../node/libp2p.js'

/** The protocol libp2p's connection monitor pings every connection on, every 10 s. */
const PING_PROTOCOL = '/ipfs/ping/1.0.0'

/** What libp2p's own minimum would be: a ping answered later than this got the connection aborted. */
const LIBP2P_MIN_PING_TIMEOUT_MS = 5_000

/** How often libp2p's connection monitor pings each connection. */
const MONITOR_INTERVAL_MS = 10_000

describe('connection monitor: a slow ping answer does not cost the connection', function () {
  this.timeout(60_000)
  let a: CocoonLibp2p
  let b: CocoonLibp2p

  after(async () => { await Promise.all([a?.stop(), b?.stop()]) })

  it(`keeps a connection whose peer answers a ping after ${LIBP2P_MIN_PING_TIMEOUT_MS / 1000 + 1} s (as a connection full of a fast stream does)`, async () => {
    assert.ok(PING_TIMEOUT_MIN_MS > LIBP2P_MIN_PING_TIMEOUT_MS + 1000)
    a = await buildLibp2p({ role: 'proxy', privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [] })
    b = await buildLibp2p({ role: 'worker', privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [] })
    await Promise.all([a.start(), b.start()])
    // b answers pings, but 6 s late: within our minimum, past libp2p's.
    let pings = 0
    await b.unhandle(PING_PROTOCOL)
    await b.handle(PING_PROTOCOL, (stream) => {
      pings++
      stream.addEventListener('message', (evt) => {
        setTimeout(() => { try { stream.send(evt.data) } catch {} }, LIBP2P_MIN_PING_TIMEOUT_MS + 1000)
      })
    }, { runOnLimitedConnection: true })
    const connection = await a.dial(b.getMultiaddrs()[0])
    // The monitor pings every connection every 10 s (kad-dht pings too, sooner); wait for the monitor's ping and
    // for its slow answer.
    await new Promise(resolve => setTimeout(resolve, MONITOR_INTERVAL_MS + LIBP2P_MIN_PING_TIMEOUT_MS + 3000))
    assert.ok(pings > 0, 'b was pinged')
    assert.equal(connection.status, 'open', 'the connection is still open after the slow answer')
  })
})
