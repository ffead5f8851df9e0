import type { InMemoryRegistry } from './in-memory-registry.js'
import { strict as assert } from 'node:assert'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { AttestationCache, decodeCertificate, encodeCertificate, REGISTRY_REFRESH_AHEAD, REGISTRY_TTL_MS, REFUSAL_TTL_MS, type TestAuthority } from '../../protocols/attestation/index.js'
import { devRegistry, makeAuthority, makeWorker, ManualClock, thrown, type TestWorker } from './fixtures.js'

describe('attestation: cache', function () {
  const clock = new ManualClock()
  let authority: TestAuthority
  let worker: TestWorker
  let registry: InMemoryRegistry
  let cache: AttestationCache

  before(async function () {
    authority = await makeAuthority(clock)
    worker = await makeWorker(authority, clock)
  })

  beforeEach(function () {
    clock.ms = new ManualClock().ms
    registry = devRegistry(authority)
    worker.register(registry)
    cache = new AttestationCache({ registry, now: clock.now })
  })

  const verify = async (bytes = worker.issued.bytes, collateral: unknown = worker.issued.collateral): ReturnType<AttestationCache['verify']> =>
    await cache.verify(bytes, collateral, { expectedPeerId: worker.peerId })

  it('verifies once, then answers from the cache without touching the registry within its TTL', async function () {
    const first = await verify()
    const reads = { ...registry.reads }
    const second = await verify()
    assert.deepEqual(second.hash, first.hash)
    assert.deepEqual(cache.stats, { hits: 1, misses: 1, refusalsServed: 0 })
    assert.deepEqual(registry.reads, reads)
  })

  it('re-reads the registry after its TTL, so a slashed worker is refused within seconds', async function () {
    await verify()
    worker.register(registry, { active: false })
    await verify() // still within the TTL: the old standing holds
    clock.ms += REGISTRY_TTL_MS + 1
    const err = await thrown(verify)
    assert.equal(err.data?.reason, 'NOT_REGISTERED')
    assert.equal(cache.stats.misses, 1, 'the quote is not verified again')
  })

  it('re-reads the registry in the background once an answer in use is past REGISTRY_REFRESH_AHEAD of its TTL', async function () {
    await verify()
    const reads = { ...registry.reads }
    clock.ms += REGISTRY_TTL_MS * REGISTRY_REFRESH_AHEAD + 1
    worker.register(registry, { active: false })
    // The first call is answered from what the cache holds (the worker was in good standing a moment ago) and starts
    // one re-read of roots and entry; a second call meanwhile does not start another.
    const [first] = await Promise.allSettled([verify(), verify()])
    assert.equal(first.status, 'fulfilled')
    assert.deepEqual(registry.reads, reads, 'the re-read waits for the next turn of the event loop, off the caller\'s way')
    await new Promise(resolve => setImmediate(resolve))
    assert.equal(registry.reads.acceptedRoots, reads.acceptedRoots + 1)
    assert.equal(registry.reads.workerEntry, reads.workerEntry + 1)
    // The re-read landed: the slashing counts now, before the first answer's TTL is out.
    clock.ms += 1
    assert.equal((await thrown(verify)).data?.reason, 'NOT_REGISTERED')
  })

  it('never serves a registry answer older than its TTL, and keeps the held one when a background re-read fails', async function () {
    await verify()
    clock.ms += REGISTRY_TTL_MS * REGISTRY_REFRESH_AHEAD + 1
    registry.unreachable = true // the background re-reads fail
    await verify()
    await new Promise(resolve => setImmediate(resolve))
    registry.unreachable = false
    worker.register(registry, { active: false })
    await verify() // the answer held is still within its TTL; the failed re-read did not drop it
    clock.ms += REGISTRY_TTL_MS
    assert.equal((await thrown(verify)).data?.reason, 'NOT_REGISTERED', 'past the TTL the chain is read again, and waited for')
  })

  it('notices a root the registry stopped accepting', async function () {
    await verify()
    registry.rejectRoot(authority.rootHash)
    clock.ms += REGISTRY_TTL_MS + 1
    assert.equal((await thrown(verify)).data?.reason, 'ROOT_NOT_ACCEPTED')
  })

  it('still checks the presenter and the validity window on a cache hit', async function () {
    await verify()
    const intruder = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const err = await thrown(async () => cache.verify(worker.issued.bytes, worker.issued.collateral, { expectedPeerId: intruder }))
    assert.equal(err.data?.reason, 'PEER_MISMATCH')
    clock.advanceSeconds(3601)
    assert.equal((await thrown(verify)).data?.reason, 'EXPIRED')
    assert.equal(cache.size, 0, 'an expired certificate is dropped')
  })

  it('remembers a refusal for a while so a replayed bad certificate costs no verification', async function () {
    const decoded = decodeCertificate(worker.issued.bytes)
    const body = new Uint8Array(decoded.message.body)
    body[body.length - 20] ^= 0x01
    const tampered = encodeCertificate({ ...decoded.message, body })
    const firstReason = (await thrown(async () => verify(tampered))).data?.reason
    assert.ok(firstReason === 'BAD_SIGNATURE' || firstReason === 'MALFORMED', String(firstReason))
    const misses = cache.stats.misses
    assert.equal((await thrown(async () => verify(tampered))).data?.reason, firstReason)
    assert.equal(cache.stats.refusalsServed, 1)
    assert.equal(cache.stats.misses, misses)
    clock.ms += REFUSAL_TTL_MS + 1
    await thrown(async () => verify(tampered))
    assert.equal(cache.stats.refusalsServed, 1, 'the refusal expired and was worked out again')
  })

  it('does not let broken collateral from one caller poison the certificate for others', async function () {
    const broken = { ...worker.issued.collateral, tcb_info_signature: '00'.repeat(64) }
    assert.equal((await thrown(async () => verify(worker.issued.bytes, broken))).data?.reason, 'QUOTE_INVALID')
    assert.equal((await thrown(async () => verify(worker.issued.bytes, broken))).data?.reason, 'QUOTE_INVALID')
    assert.equal(cache.stats.refusalsServed, 1)
    const verified = await verify()
    assert.deepEqual(verified.hash, worker.issued.hash)
  })

  it('runs one verification for concurrent requests about the same certificate', async function () {
    const results = await Promise.all(Array.from({ length: 8 }, async () => verify()))
    assert.equal(results.length, 8)
    assert.equal(cache.stats.misses, 1)
  })

  it('keeps at most maxEntries certificates', async function () {
    const small = new AttestationCache({ registry, now: clock.now, maxEntries: 1 })
    const other = await makeWorker(authority, clock)
    other.register(registry)
    await small.verify(worker.issued.bytes, worker.issued.collateral)
    await small.verify(other.issued.bytes, other.issued.collateral)
    assert.equal(small.size, 1)
    await small.verify(worker.issued.bytes, worker.issued.collateral)
    assert.equal(small.stats.misses, 3, 'the evicted certificate was verified again')
  })
})
