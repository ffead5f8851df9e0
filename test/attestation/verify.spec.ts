import { InMemoryRegistry } from './in-memory-registry.js'
import { strict as assert } from 'node:assert'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import {
  Certificate, DEV_IMAGE_HASH, decodeCertificate, encodeCertificate, INTEL_ROOT_CA_HASH, issueCertificate,
  DevTeeProvider, reportDataFor, verifyCertificate, type TestAuthority
} from '../../protocols/attestation/index.js'
import { devRegistry, makeAuthority, makeWorker, ManualClock, MODEL_HASH, otherImage, PAYOUT_ADDRESS, thrown, type TestWorker } from './fixtures.js'

describe('attestation: issue and verify', function () {
  const clock = new ManualClock()
  let authority: TestAuthority
  let worker: TestWorker
  let registry: InMemoryRegistry

  before(async function () {
    authority = await makeAuthority(clock)
    worker = await makeWorker(authority, clock)
  })

  beforeEach(function () {
    clock.ms = new ManualClock().ms
    registry = devRegistry(authority)
    worker.register(registry)
  })

  async function verify (bytes: Uint8Array, options: { registry?: InMemoryRegistry, expectedPeerId?: TestWorker['peerId'], collateral?: unknown } = {}): ReturnType<typeof verifyCertificate> {
    return await verifyCertificate(bytes, options.collateral ?? worker.issued.collateral, {
      registry: options.registry ?? registry,
      expectedPeerId: options.expectedPeerId ?? worker.peerId,
      now: clock.now
    })
  }

  async function reasonOf (promise: () => Promise<unknown>): Promise<string | undefined> {
    const err = await thrown(promise)
    assert.equal(err.code, 'ATTESTATION', `expected an ATTESTATION error, got ${err.code}: ${err.message}`)
    return err.data?.reason as string | undefined
  }

  it('accepts a freshly issued certificate and reports what it binds', async function () {
    const verified = await verify(worker.issued.bytes)
    assert.ok(verified.peerId.equals(worker.peerId))
    assert.deepEqual(verified.workerKey, worker.privateKey.publicKey.raw)
    assert.deepEqual(verified.imageHash, DEV_IMAGE_HASH)
    assert.deepEqual(verified.rootHash, authority.rootHash)
    assert.deepEqual(verified.modelHashes, [MODEL_HASH])
    assert.equal(verified.payoutAddress, PAYOUT_ADDRESS)
    assert.equal(verified.tcbStatus, 'UpToDate')
    assert.deepEqual(verified.hash, worker.issued.hash)
    assert.equal(verified.notAfter - Math.floor(clock.ms / 1000), 3600)
  })

  it('binds the body into the quote: REPORTDATA is SHA-512 of the canonical body', function () {
    const decoded = decodeCertificate(worker.issued.bytes)
    const quoteReportData = decoded.message.quote.subarray(48 + 520, 48 + 584)
    assert.deepEqual(quoteReportData, reportDataFor(decoded.message.body))
  })

  it('refuses a certificate whose quote chains to a root the registry does not accept', async function () {
    const stranger = await makeAuthority(clock)
    const foreign = await makeWorker(stranger, clock)
    foreign.register(registry)
    assert.equal(await reasonOf(async () => verify(foreign.issued.bytes, { expectedPeerId: foreign.peerId, collateral: foreign.issued.collateral })), 'ROOT_NOT_ACCEPTED')
  })

  it('refuses a test quote when only Intel\'s root is accepted (a production registry)', async function () {
    const production = new InMemoryRegistry().acceptRoot(INTEL_ROOT_CA_HASH).allowImage(DEV_IMAGE_HASH)
    worker.register(production)
    assert.equal(await reasonOf(async () => verify(worker.issued.bytes, { registry: production })), 'ROOT_NOT_ACCEPTED')
  })

  it('refuses an image the registry does not allow', async function () {
    const other = await makeWorker(authority, clock, { measurements: otherImage() })
    other.register(registry)
    const err = await thrown(async () => verify(other.issued.bytes, { expectedPeerId: other.peerId }))
    assert.equal(err.data?.reason, 'IMAGE_NOT_ALLOWED')
    assert.match(err.message, /not allowed by the registry/)
  })

  it('refuses a certificate whose hash is not the one in the worker\'s registry entry', async function () {
    worker.register(registry, { certHash: new Uint8Array(32).fill(9) })
    assert.equal(await reasonOf(async () => verify(worker.issued.bytes)), 'CERT_NOT_ANCHORED')
  })

  it('refuses a worker with no registry entry, or an inactive one', async function () {
    registry.removeWorker(worker.issued.claims.workerKey)
    assert.equal(await reasonOf(async () => verify(worker.issued.bytes)), 'NOT_REGISTERED')
    worker.register(registry, { active: false })
    assert.equal(await reasonOf(async () => verify(worker.issued.bytes)), 'NOT_REGISTERED')
  })

  it('refuses a certificate with one quote byte flipped', async function () {
    const decoded = decodeCertificate(worker.issued.bytes)
    const quote = new Uint8Array(decoded.message.quote)
    quote[48 + 136] ^= 0x01 // inside MRTD: the quote signature no longer verifies
    const tampered = encodeCertificate({ ...decoded.message, quote })
    const err = await thrown(async () => verify(tampered))
    assert.equal(err.data?.reason, 'QUOTE_INVALID')
    assert.match(err.message, /signature is invalid/)
  })

  it('refuses a certificate with one body byte flipped', async function () {
    const decoded = decodeCertificate(worker.issued.bytes)
    const body = new Uint8Array(decoded.message.body)
    const at = indexOf(body, decoded.claims.sealKey)
    body[at + 5] ^= 0x80
    const tampered = encodeCertificate({ ...decoded.message, body })
    assert.equal(await reasonOf(async () => verify(tampered)), 'BAD_SIGNATURE')
  })

  it('refuses a quote that binds another body (REPORTDATA mismatch)', async function () {
    const decoded = decodeCertificate(worker.issued.bytes)
    const quote = authority.quote({ reportData: new Uint8Array(64).fill(0xab) })
    const rebuilt = encodeCertificate({ ...decoded.message, quote })
    worker.register(registry, { certHash: decodeCertificate(rebuilt).hash })
    assert.equal(await reasonOf(async () => verify(rebuilt)), 'REPORTDATA_MISMATCH')
  })

  it('refuses an expired certificate, and one past its registry entry\'s expiry', async function () {
    clock.advanceSeconds(3601)
    assert.equal(await reasonOf(async () => verify(worker.issued.bytes)), 'EXPIRED')
    clock.ms = new ManualClock().ms
    worker.register(registry, { expiresAt: Math.floor(clock.ms / 1000) - 1 })
    const err = await thrown(async () => verify(worker.issued.bytes))
    assert.equal(err.data?.reason, 'EXPIRED')
    assert.match(err.message, /registry entry expired/)
  })

  it('refuses a certificate before its notBefore', async function () {
    clock.advanceSeconds(-3600)
    assert.equal(await reasonOf(async () => verify(worker.issued.bytes)), 'NOT_YET_VALID')
  })

  it('refuses a certificate presented by another peer', async function () {
    const intruder = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    assert.equal(await reasonOf(async () => verify(worker.issued.bytes, { expectedPeerId: intruder })), 'PEER_MISMATCH')
  })

  it('refuses bytes that are not a canonical certificate, and malformed collateral', async function () {
    assert.equal(await reasonOf(async () => verify(Uint8Array.from([1, 2, 3, 4]))), 'MALFORMED')
    const decoded = decodeCertificate(worker.issued.bytes)
    const padded = new Uint8Array([...worker.issued.bytes, 0x20, 0x01]) // unknown field 4 appended
    assert.ok(Certificate.decode(padded).quote.length > 0)
    assert.equal(await reasonOf(async () => verify(padded)), 'MALFORMED')
    assert.equal(await reasonOf(async () => verify(encodeCertificate({ ...decoded.message, quote: new Uint8Array(100) }))), 'MALFORMED')
    assert.equal(await reasonOf(async () => verify(worker.issued.bytes, { collateral: { tcb_info: 'x' } })), 'MALFORMED')
  })

  it('ignores a pck_certificate_chain smuggled into the collateral', async function () {
    const stranger = await makeAuthority(clock)
    const collateral = { ...worker.issued.collateral, pck_certificate_chain: stranger.state.pckCertPem + stranger.state.platformCaCertPem }
    const verified = await verify(worker.issued.bytes, { collateral })
    assert.deepEqual(verified.rootHash, authority.rootHash)
  })

  it('rejects bad issuing input with BAD_REQUEST', async function () {
    const base = {
      privateKey: worker.privateKey,
      sealPublicKey: new Uint8Array(32),
      payoutAddress: PAYOUT_ADDRESS,
      gpu: 'cpu',
      modelHashes: [],
      tee: new DevTeeProvider(authority),
      now: clock.now
    }
    for (const bad of [{ sealPublicKey: new Uint8Array(31) }, { payoutAddress: 'not-an-address' }, { modelHashes: [new Uint8Array(3)] }, { lifetimeSeconds: 0 }, { gpu: '' }]) {
      const err = await thrown(async () => issueCertificate({ ...base, ...bad }))
      assert.equal(err.code, 'BAD_REQUEST', JSON.stringify(Object.keys(bad)))
    }
  })

  it('issues one canonical encoding: decoding and re-encoding gives the same bytes', function () {
    const decoded = decodeCertificate(worker.issued.bytes)
    assert.ok(uint8ArrayEquals(encodeCertificate(decoded.message), worker.issued.bytes))
  })
})

function indexOf (haystack: Uint8Array, needle: Uint8Array): number {
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((b, j) => haystack[i + j] === b)) return i
  }
  throw new Error('needle not found')
}
