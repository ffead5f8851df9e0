import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { deviceLabel, deviceMemoryBytes, NodeLlamaCppEngine, type DeviceInfo } from '../../models/index.js'
import { decodeCertificate, fetchCertificate } from '../../protocols/attestation/index.js'
import { CapacityService, type CapacityAnnouncement } from '../../protocols/capacity/index.js'
import { buildLibp2p, type CocoonLibp2p } from '../../node/libp2p.js'
import { startTestNetwork, type TestNetwork } from './harness.js'

/**
 * A real worker process (`cocoon start --role worker`, built-in model) measures its own speed at start and
 * announces it with its device. An observer node in this process joins the capacity gossip through the proxy
 * and reads the worker's announcement as any proxy would.
 */
describe('a worker announces its measured speed and its device', function () {
  this.timeout(240_000)
  let net: TestNetwork
  let observer: CocoonLibp2p | undefined
  let capacity: CapacityService | undefined
  let device: DeviceInfo

  before(async () => {
    // The device the worker's engine sees: same binary choice ('auto'), same machine.
    const engine = new NodeLlamaCppEngine()
    try {
      device = await engine.device()
    } finally {
      await engine.close()
    }
    net = await startTestNetwork({ workers: 1 })
  })
  after(async () => {
    await capacity?.stop()
    await observer?.stop()
    await net?.close()
  })

  it('announces tokens/s and first-token time above 0, and the same device as its engine and certificate', async () => {
    const workerId = String(net.logs.records('worker-1', 'node identity')[0]?.peerId)
    observer = await buildLibp2p({ role: 'client', privateKey: await generateKeyPair('Ed25519'), listen: [], bootstrap: [net.proxyAddress] })
    capacity = new CapacityService({ peerId: observer.peerId, pubsub: observer.services.pubsub })
    let seen: CapacityAnnouncement | undefined
    capacity.events.onAnnouncement = (peer, a) => { if (peer === workerId) seen = a }
    await observer.start()
    await capacity.start()
    const deadline = Date.now() + 30_000 // a worker refreshes its announcement every 5 s
    while (seen == null && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
    assert.ok(seen != null, `no announcement from worker-1 (${workerId}) within 30 s`)

    assert.ok(seen.tokensPerSecond > 0, `tokensPerSecond ${seen.tokensPerSecond}`)
    assert.ok(seen.firstTokenMs > 0, `firstTokenMs ${seen.firstTokenMs}`)
    assert.deepEqual(seen.models.map(m => m.id), ['cocoon-tiny'])
    assert.equal(seen.gpu, deviceLabel(device))
    assert.equal(seen.gpuMemoryBytes, deviceMemoryBytes(device))
    if (device.kind === 'cpu') {
      assert.equal(seen.gpu, 'cpu')
      assert.equal(seen.gpuMemoryBytes, 0n)
    } else {
      assert.ok(seen.gpuMemoryBytes > 0n)
    }
    // The speed it announces is the one it logged when it measured it, and the device the one it logged at start.
    const serving = net.logs.records('worker-1', 'serving model')[0]
    assert.equal(serving?.tokensPerSecond, seen.tokensPerSecond)
    const ready = net.logs.records('worker-1', 'worker ready')[0]
    assert.equal(ready?.device, device.kind)

    // Its attestation certificate names the same device as its announcements.
    const address = (net.logs.records('worker-1', 'node started')[0]?.addresses as string[])[0]
    await observer.dial(multiaddr(address))
    const bundle = await fetchCertificate(observer, peerIdFromString(workerId))
    assert.equal(decodeCertificate(bundle.certificate).claims.gpu, seen.gpu)
  })
})
