import type { InMemoryRegistry } from './in-memory-registry.js'
import { strict as assert } from 'node:assert'
import type { Libp2p } from 'libp2p'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import type { Stream } from '@libp2p/interface'
import {
  ATTEST_PROTOCOL, AttestationCache, fetchCertificate, type TestAuthority
} from '../../protocols/attestation/index.js'
import { AttestResponse } from '../../protocols/attestation/gen/messages.js'
import { startAttestNode, type AttestServices } from './attest-node.js'
import { devRegistry, makeAuthority, makeWorker, ManualClock, thrown, type TestWorker } from './fixtures.js'

describe('attestation: /cocoon/attest/1.0.0 over TCP', function () {
  const clock = new ManualClock(Date.now())
  let authority: TestAuthority
  let worker: TestWorker
  let registry: InMemoryRegistry
  let workerNode: Libp2p<AttestServices>
  let clientNode: Libp2p<AttestServices>
  const extraNodes: Array<Libp2p<AttestServices>> = []

  before(async function () {
    authority = await makeAuthority(clock)
    worker = await makeWorker(authority, clock)
    registry = devRegistry(authority)
    worker.register(registry)
    workerNode = await startAttestNode(worker.privateKey, { bundle: { certificate: worker.issued.bytes, collateral: worker.issued.collateral } })
    clientNode = await startAttestNode()
    await clientNode.peerStore.patch(workerNode.peerId, { multiaddrs: workerNode.getMultiaddrs() })
  })

  after(async function () {
    await Promise.all([workerNode?.stop(), clientNode?.stop(), ...extraNodes.map(async n => { await n.stop() })])
  })

  async function serverSending (write: (stream: Stream) => Promise<void>): Promise<Libp2p<AttestServices>> {
    const node = await startAttestNode()
    extraNodes.push(node)
    await node.services.attest.stop() // replace the real handler with a misbehaving one
    await node.handle(ATTEST_PROTOCOL, async (stream) => {
      stream.addEventListener('message', () => {}) // drain the request
      await write(stream)
    })
    await clientNode.peerStore.patch(node.peerId, { multiaddrs: node.getMultiaddrs() })
    return node
  }

  it('fetches a worker\'s certificate and collateral, which then verify for that peer', async function () {
    const bundle = await fetchCertificate(clientNode, workerNode.peerId)
    assert.ok(uint8ArrayEquals(bundle.certificate, worker.issued.bytes))
    const cache = new AttestationCache({ registry, now: clock.now })
    const verified = await cache.verify(bundle.certificate, bundle.collateral, { expectedPeerId: workerNode.peerId })
    assert.ok(verified.peerId.equals(workerNode.peerId))
  })

  it('fetches over an existing connection too, refusing a connection to another peer', async function () {
    const connection = await clientNode.dial(workerNode.peerId)
    const bundle = await fetchCertificate(connection, workerNode.peerId)
    assert.ok(uint8ArrayEquals(bundle.certificate, worker.issued.bytes))
    const err = await thrown(async () => fetchCertificate(connection, clientNode.peerId))
    assert.equal(err.code, 'BAD_REQUEST')
  })

  it('answers NO_CERTIFICATE when the node has none, and serves a renewed one at once', async function () {
    workerNode.services.attest.setBundle(undefined)
    const err = await thrown(async () => fetchCertificate(clientNode, workerNode.peerId))
    assert.equal(err.code, 'ATTESTATION')
    assert.equal(err.data?.reason, 'NO_CERTIFICATE')
    workerNode.services.attest.setBundle({ certificate: worker.issued.bytes, collateral: worker.issued.collateral })
    assert.ok(uint8ArrayEquals((await fetchCertificate(clientNode, workerNode.peerId)).certificate, worker.issued.bytes))
  })

  it('survives a client that sends garbage, and keeps serving others', async function () {
    for (const garbage of [Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]), Uint8Array.from([0x05, 0xde, 0xad])]) {
      const stream = await clientNode.dialProtocol(workerNode.peerId, ATTEST_PROTOCOL)
      stream.send(garbage)
      await stream.close().catch(() => {})
    }
    assert.ok(uint8ArrayEquals((await fetchCertificate(clientNode, workerNode.peerId)).certificate, worker.issued.bytes))
  })

  it('refuses a garbage response with MALFORMED', async function () {
    const liar = await serverSending(async stream => {
      stream.send(Uint8Array.from([0x04, 0x0a, 0x02, 0xff, 0xff])) // one frame whose protobuf is cut short
      await stream.close()
    })
    const err = await thrown(async () => fetchCertificate(clientNode, liar.peerId))
    assert.equal(err.code, 'MALFORMED', err.message)
  })

  it('refuses collateral that is not the DCAP JSON shape with MALFORMED', async function () {
    const liar = await serverSending(async stream => {
      const frame = AttestResponse.encode({ certificate: Uint8Array.from([1]), collateral: new TextEncoder().encode('{"tcb_info":1}') })
      stream.send(Uint8Array.from([frame.length, ...frame]))
      await stream.close()
    })
    const err = await thrown(async () => fetchCertificate(clientNode, liar.peerId))
    assert.equal(err.code, 'MALFORMED', err.message)
  })

  it('refuses an oversized frame with FRAME_TOO_LARGE', async function () {
    const flooder = await serverSending(async stream => {
      stream.send(Uint8Array.from([0x80, 0x80, 0x80, 0x08])) // varint length 16 MiB
      await stream.close()
    })
    const err = await thrown(async () => fetchCertificate(clientNode, flooder.peerId))
    assert.equal(err.code, 'FRAME_TOO_LARGE', err.message)
  })

  it('gives up on a silent peer with TIMEOUT', async function () {
    const silent = await serverSending(async () => {})
    const err = await thrown(async () => fetchCertificate(clientNode, silent.peerId, { timeoutMs: 300 }))
    assert.equal(err.code, 'TIMEOUT', err.message)
  })
})
