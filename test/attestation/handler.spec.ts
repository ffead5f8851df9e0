import { strict as assert } from 'node:assert'
import { lpStream, streamPair } from '@libp2p/utils'
import { serveAttestRequest, type AttestationBundle } from '../../protocols/attestation/index.js'
import { AttestRequest, AttestResponse } from '../../protocols/attestation/gen/messages.js'
import { makeAuthority, ManualClock } from './fixtures.js'

describe('attestation: attest handler on in-memory streams', function () {
  let bundle: AttestationBundle

  before(async function () {
    const authority = await makeAuthority(new ManualClock())
    bundle = { certificate: Uint8Array.from([1, 2, 3]), collateral: authority.collateral() }
  })

  it('answers one request with the certificate and its collateral as JSON', async function () {
    const [client, server] = await streamPair()
    const served = serveAttestRequest(server, async () => bundle)
    const lp = lpStream(client)
    await lp.write(AttestRequest.encode({}))
    const response = AttestResponse.decode(await lp.read())
    assert.deepEqual([...response.certificate], [1, 2, 3])
    assert.equal(JSON.parse(new TextDecoder().decode(response.collateral)).tcb_info, bundle.collateral.tcb_info)
    assert.equal(await served, undefined)
  })

  it('returns a typed error (and resets the stream) when the request frame is too large', async function () {
    const [client, server] = await streamPair()
    const served = serveAttestRequest(server, async () => bundle)
    client.send(Uint8Array.from([0xff, 0xff, 0x7f]))
    const err = await served
    assert.equal(err?.code, 'FRAME_TOO_LARGE')
    assert.equal(server.status, 'aborted')
  })

  it('returns MALFORMED when the request is not protobuf', async function () {
    const [client, server] = await streamPair()
    const served = serveAttestRequest(server, async () => bundle)
    client.send(Uint8Array.from([0x02, 0x0a, 0xff]))
    assert.equal((await served)?.code, 'MALFORMED')
  })

  it('returns TIMEOUT when the request never comes', async function () {
    const [, server] = await streamPair()
    const err = await serveAttestRequest(server, async () => bundle, { timeoutMs: 100 })
    assert.equal(err?.code, 'TIMEOUT')
  })
})
