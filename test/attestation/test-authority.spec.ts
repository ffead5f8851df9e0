import { strict as assert } from 'node:assert'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Quote, QuoteVerifier, utils as dcapUtils } from '@phala/dcap-qvl'
import {
  DEV_IMAGE_HASH, DEV_IMAGE_MEASUREMENTS, INTEL_ROOT_CA_DER, loadOrCreateTestAuthority, loadTestAuthority, parseTdxQuote,
  rootCaHash, saveTestAuthority, verifyQuoteAgainstRoot, type TestAuthority
} from '../../protocols/attestation/index.js'
import { makeAuthority, ManualClock, otherImage, thrown, imageHashOf } from './fixtures.js'

describe('attestation: dev test authority', function () {
  const clock = new ManualClock()
  const nowSeconds = Math.floor(clock.ms / 1000)
  let authority: TestAuthority
  let dir: string

  before(async function () {
    authority = await makeAuthority(clock)
    dir = await mkdtemp(join(tmpdir(), 'cocoon-attest-'))
  })

  after(async function () {
    await rm(dir, { recursive: true, force: true })
  })

  const reportData = new Uint8Array(64).map((_, i) => i)

  it('emits v4 TDX quotes that dcap-qvl verifies against the authority\'s root', function () {
    const quote = authority.quote({ reportData })
    const verified = QuoteVerifier.newWithRootCa(Buffer.from(authority.rootCertificateDer)).verify(quote, authority.collateral(), nowSeconds)
    assert.equal(verified.status, 'UpToDate')
    const td = verified.report.asTd10()
    assert.ok(td != null)
    assert.deepEqual(new Uint8Array(td.reportData), reportData)
    assert.deepEqual(new Uint8Array(td.mrTd), DEV_IMAGE_MEASUREMENTS.mrTd)
    const header = Quote.parse(quote).header
    assert.equal(header.version, 4)
    assert.equal(header.teeType, 0x81)
  })

  it('is refused by Intel\'s root (newProd) and by the one verification path pinned to Intel', function () {
    const quote = authority.quote({ reportData })
    assert.throws(() => QuoteVerifier.newProd().verify(quote, authority.collateral(), nowSeconds))
    const err = (() => { try { verifyQuoteAgainstRoot(quote, authority.collateral(), INTEL_ROOT_CA_DER, nowSeconds) } catch (e) { return e as { code: string, data: { reason: string } } } })()
    assert.equal(err?.code, 'ATTESTATION')
    assert.equal(err?.data.reason, 'QUOTE_INVALID')
  })

  it('fails verification when any REPORTDATA byte is flipped', function () {
    const quote = authority.quote({ reportData })
    quote[48 + 584 - 1] ^= 0x01
    assert.throws(() => verifyQuoteAgainstRoot(quote, authority.collateral(), authority.rootCertificateDer, nowSeconds), /signature is invalid/)
  })

  it('reports the measurements it is asked to, and the image hash follows them', function () {
    const image = otherImage()
    const parsed = parseTdxQuote(authority.quote({ reportData, mrTd: image.mrTd, rtmrs: image.rtmrs }))
    assert.deepEqual(parsed.imageHash, imageHashOf(image))
    assert.notDeepEqual(parsed.imageHash, DEV_IMAGE_HASH)
    assert.deepEqual(parseTdxQuote(authority.quote({ reportData })).imageHash, DEV_IMAGE_HASH)
  })

  it('puts an Intel-shaped SGX extension (FMSPC, PCE SVN, CPU SVN) in its PCK certificate', function () {
    const chain = dcapUtils.extractCerts(Buffer.from(Quote.parse(authority.quote({ reportData })).rawCertChain()))
    assert.equal(chain.length, 3)
    const extension = dcapUtils.getIntelExtension(chain[0])
    assert.equal(Buffer.from(dcapUtils.getFmspc(extension)).toString('hex'), '00806f050000')
    assert.equal(dcapUtils.getPceSvn(extension), 13)
    assert.equal(dcapUtils.getCpuSvn(extension).length, 16)
    assert.deepEqual(rootCaHash(new Uint8Array(chain[2])), authority.rootHash)
  })

  it('refuses quote requests with the wrong REPORTDATA size', async function () {
    const err = await thrown(async () => authority.quote({ reportData: new Uint8Array(32) }))
    assert.equal(err.code, 'BAD_REQUEST')
  })

  it('saves to disk with private keys readable by the owner only, and loads back the same authority', async function () {
    const target = join(dir, 'saved')
    await saveTestAuthority(authority, target)
    for (const key of ['pck.key', 'attestation.key']) {
      assert.equal((await stat(join(target, key))).mode & 0o777, 0o600, key)
    }
    const loaded = await loadTestAuthority(target)
    assert.deepEqual(loaded.rootHash, authority.rootHash)
    const quote = loaded.quote({ reportData })
    const verdict = verifyQuoteAgainstRoot(quote, authority.collateral(), authority.rootCertificateDer, nowSeconds)
    assert.equal(verdict.tcbStatus, 'UpToDate')
    assert.match(await readFile(join(target, 'root-ca.pem'), 'utf8'), /BEGIN CERTIFICATE/)
  })

  it('reports a missing or damaged authority with a typed error', async function () {
    const missing = await thrown(async () => loadTestAuthority(join(dir, 'nope')))
    assert.equal(missing.code, 'BAD_REQUEST')
    assert.match(missing.message, /no test authority/)
    const target = join(dir, 'damaged')
    await saveTestAuthority(authority, target)
    const other = await makeAuthority(clock)
    await writeFile(join(target, 'pck.key'), other.state.pckKeyPem)
    const damaged = await thrown(async () => loadTestAuthority(target))
    assert.equal(damaged.code, 'BAD_REQUEST')
    assert.match(damaged.message, /does not match/)
  })

  it('gives processes that start together one shared authority', async function () {
    const target = join(dir, 'shared', 'tee')
    const [a, b, c] = await Promise.all([loadOrCreateTestAuthority(target), loadOrCreateTestAuthority(target), loadOrCreateTestAuthority(target)])
    assert.deepEqual(a.rootHash, b.rootHash)
    assert.deepEqual(b.rootHash, c.rootHash)
    assert.deepEqual((await loadTestAuthority(target)).rootHash, a.rootHash)
  })
})
