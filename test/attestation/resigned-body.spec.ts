import { strict as assert } from 'node:assert'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  CertificateBody, decodeCertificate, encodeCertificate, encodeCertificateBody, signingBytesFor, verifyCertificate,
  type CertificateBodyFields, type TestAuthority
} from '../../protocols/attestation/index.js'
import { devRegistry, makeAuthority, makeWorker, ManualClock, MODEL_HASH, thrown, type TestWorker } from './fixtures.js'

/**
 * A worker holds its own libp2p key, so it can sign any body it likes; what it cannot do is get a quote for that
 * body without running the measured image. These tests take an issued certificate, change the body, re-sign it
 * with the worker's real key and keep the original quote: the peer signature is valid, so only the REPORTDATA
 * binding can catch it.
 */
describe('attestation: a body re-signed by the worker over the original quote', function () {
  const clock = new ManualClock()
  const OTHER_MODEL = sha256(new TextEncoder().encode('a-model-never-attested'))
  let authority: TestAuthority
  let worker: TestWorker

  before(async function () {
    authority = await makeAuthority(clock)
    worker = await makeWorker(authority, clock)
  })

  /** The issued certificate with `change` applied to its body, signed by the worker, quote untouched. */
  async function resigned (change: (body: CertificateBodyFields) => CertificateBodyFields): Promise<Uint8Array> {
    const { message } = decodeCertificate(worker.issued.bytes)
    const body = encodeCertificateBody(change(CertificateBody.decode(message.body)))
    const peerSignature = await worker.privateKey.sign(signingBytesFor(body))
    return encodeCertificate({ body, quote: message.quote, peerSignature })
  }

  /** A registry that would accept the re-signed certificate on every other count: model allowed, hash anchored. */
  async function verifyAnchored (bytes: Uint8Array): ReturnType<typeof verifyCertificate> {
    const registry = devRegistry(authority).allowModel(OTHER_MODEL)
    worker.register(registry, { certHash: decodeCertificate(bytes).hash })
    return await verifyCertificate(bytes, worker.issued.collateral, { registry, expectedPeerId: worker.peerId, now: clock.now })
  }

  it('re-signing the unchanged body gives a certificate that verifies (the procedure itself is sound)', async function () {
    const same = await resigned(body => body)
    const verified = await verifyAnchored(same)
    assert.deepEqual(verified.modelHashes, [MODEL_HASH])
  })

  it('refuses changed modelHashes with REPORTDATA_MISMATCH, though the worker\'s signature is valid', async function () {
    const bytes = await resigned(body => ({ ...body, modelHashes: [MODEL_HASH, OTHER_MODEL] }))
    const decoded = decodeCertificate(bytes)
    assert.deepEqual(decoded.claims.modelHashes, [MODEL_HASH, OTHER_MODEL])
    assert.ok(await worker.peerId.publicKey.verify(signingBytesFor(decoded.message.body), decoded.message.peerSignature))
    const err = await thrown(async () => verifyAnchored(bytes))
    assert.equal(err.code, 'ATTESTATION')
    assert.equal(err.data?.reason, 'REPORTDATA_MISMATCH')
  })
})
