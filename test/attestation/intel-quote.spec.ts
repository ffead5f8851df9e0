import { strict as assert } from 'node:assert'
import { readFileSync } from 'node:fs'
import { sha256 } from '@noble/hashes/sha2.js'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import {
  checkRootAccepted, createTestAuthority, INTEL_ROOT_CA_DER, INTEL_ROOT_CA_HASH, normalizeCollateral, parseTdxQuote,
  rootCaHash, verifyQuoteAgainstRoot, type Collateral
} from '../../protocols/attestation/index.js'

/**
 * A real TDX quote from an Intel platform, with the collateral Intel's PCS served for it, run through the same
 * functions a certificate's quote goes through (parseTdxQuote, the root check, verifyQuoteAgainstRoot). The
 * files are public sample data; see fixtures/intel-tdx/README.md. Fixtures are read from the source tree, since
 * the compiler copies only code into dist/.
 */
const FIXTURES = new URL('../../../test/attestation/fixtures/intel-tdx/', import.meta.url)
const QUOTE = uint8ArrayFromString(readFileSync(new URL('quote.hex', FIXTURES), 'utf8').trim(), 'base16')
const COLLATERAL: Collateral = normalizeCollateral(JSON.parse(readFileSync(new URL('collateral.json', FIXTURES), 'utf8')))

/** Inside every window of the collateral (TCB Info and QE Identity 2025-09-02..2025-10-02, CRLs longer). */
const NOW = Date.parse('2025-09-15T00:00:00Z') / 1000

/** Offsets in a v4 quote: a 48-byte header, then the 584-byte TD 1.0 report. */
const HEADER_BYTES = 48
const MRTD_AT = 136
const RTMR0_AT = 328
const REPORTDATA_AT = 520
const hex = (b: Uint8Array): string => uint8ArrayToString(b, 'base16')
const bodyField = (at: number, length: number): Uint8Array => QUOTE.subarray(HEADER_BYTES + at, HEADER_BYTES + at + length)

/** Read by hand from quote.hex at the offsets above, so a parser reading the wrong field cannot pass. */
const EXPECTED = {
  mrTd: 'f06dfda6dce1cf904d4e2bab1dc370634cf95cefa2ceb2de2eee127c9382698090d7a4a13e14c536ec6c9c3c8fa87077',
  rtmrs: [
    '68102e7b524af310f7b7d426ce75481e36c40f5d513a9009c046e9d37e31551f0134d954b496a3357fd61d03f07ffe96',
    '19d16ecd33220ee15965b4fb28a0661e85ec4cad0a20d920bf4028f58ad014b262af3c9b0530f283e7d032e7bdca6308',
    '05ac95f479e23db627217ce58b2587483c9ee4f374a7d8ebee3b812b8cfd8fd8fca04696369c33bd5279590d83e713c0',
    '287a9242edd8c8429913ec66f44af611b820cf9b574f303a6caeddeb4c9826311aef6e518aaf4a17f55a81154592b7b3'
  ],
  reportData: '0001d579ba6e734a1046feb6112f852df5f4f1e44a4e7ce1755ce3b07bd6aaab04e89ca01fdf4956d2f609c2709731cb813a0000000000000000000000000000',
  /** SHA-256(MRTD || RTMR0..3), the image hash a registry would allow-list for this TD. */
  imageHash: '5e57f47fbe2e8c6cd5f666172909bf1fef22e6159441737149bc9da820747771',
  /** SHA-256 of Intel's SGX Root CA DER, as published with Intel's DCAP libraries. */
  intelRootHash: '44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3'
}

function refusal (fn: () => unknown): { reason: unknown, message: string } {
  try {
    fn()
  } catch (err) {
    const e = err as { code?: unknown, data?: { reason?: unknown }, message: string }
    assert.equal(e.code, 'ATTESTATION', `expected an ATTESTATION error, got ${String(e.code)}: ${e.message}`)
    return { reason: e.data?.reason, message: e.message }
  }
  assert.fail('expected a refusal')
}

describe('attestation: a real Intel TDX quote', function () {
  it('the fixture fields sit at the documented offsets', function () {
    assert.equal(hex(bodyField(MRTD_AT, 48)), EXPECTED.mrTd)
    EXPECTED.rtmrs.forEach((r, i) => assert.equal(hex(bodyField(RTMR0_AT + 48 * i, 48)), r, `RTMR${i}`))
    assert.equal(hex(bodyField(REPORTDATA_AT, 64)), EXPECTED.reportData)
    assert.equal(REPORTDATA_AT + 64, 584, 'REPORTDATA is the last 64 bytes of the TD report')
  })

  it('parses: v4, measurements, image hash and REPORTDATA, and a chain ending in Intel\'s root', function () {
    const parsed = parseTdxQuote(QUOTE)
    assert.equal(parsed.version, 4)
    assert.equal(hex(parsed.measurements.mrTd), EXPECTED.mrTd)
    assert.deepEqual(parsed.measurements.rtmrs.map(hex), EXPECTED.rtmrs)
    assert.equal(hex(parsed.imageHash), EXPECTED.imageHash)
    assert.equal(hex(parsed.imageHash), hex(sha256(new Uint8Array([...bodyField(MRTD_AT, 48), ...bodyField(RTMR0_AT, 4 * 48)]))))
    assert.equal(hex(parsed.reportData), EXPECTED.reportData)
    assert.equal(hex(rootCaHash(parsed.rootDer)), EXPECTED.intelRootHash)
    assert.equal(hex(INTEL_ROOT_CA_HASH), EXPECTED.intelRootHash)
    assert.deepEqual(parsed.rootDer, INTEL_ROOT_CA_DER)
  })

  it('verifies against Intel\'s root and collateral (UpToDate), and passes a production root check', function () {
    const parsed = parseTdxQuote(QUOTE)
    checkRootAccepted(rootCaHash(parsed.rootDer), [INTEL_ROOT_CA_HASH])
    const verdict = verifyQuoteAgainstRoot(QUOTE, COLLATERAL, parsed.rootDer, NOW)
    assert.equal(verdict.tcbStatus, 'UpToDate')
    assert.deepEqual(verdict.advisoryIds, [])
  })

  it('refuses the quote with one REPORTDATA byte flipped: the quote signature no longer verifies', function () {
    const tampered = new Uint8Array(QUOTE)
    tampered[HEADER_BYTES + REPORTDATA_AT + 5] ^= 0x01
    assert.equal(hex(parseTdxQuote(tampered).reportData) === EXPECTED.reportData, false)
    const { reason, message } = refusal(() => verifyQuoteAgainstRoot(tampered, COLLATERAL, INTEL_ROOT_CA_DER, NOW))
    assert.equal(reason, 'QUOTE_INVALID')
    assert.match(message, /signature is invalid/)
  })

  it('is refused by a dev test root: not accepted by a dev registry, and no chain to that root', async function () {
    const dev = await createTestAuthority({ now: () => NOW * 1000 })
    const parsed = parseTdxQuote(QUOTE)
    assert.equal(refusal(() => checkRootAccepted(rootCaHash(parsed.rootDer), [dev.rootHash])).reason, 'ROOT_NOT_ACCEPTED')
    assert.equal(refusal(() => verifyQuoteAgainstRoot(QUOTE, COLLATERAL, dev.rootCertificateDer, NOW)).reason, 'QUOTE_INVALID')
    assert.equal(refusal(() => verifyQuoteAgainstRoot(QUOTE, dev.collateral(), dev.rootCertificateDer, NOW)).reason, 'QUOTE_INVALID')
  })

  it('is refused outside the collateral\'s validity window', function () {
    const before = refusal(() => verifyQuoteAgainstRoot(QUOTE, COLLATERAL, INTEL_ROOT_CA_DER, Date.parse('2025-09-01T00:00:00Z') / 1000))
    assert.equal(before.reason, 'QUOTE_INVALID')
    assert.match(before.message, /issue date is in the future/)
    const after = refusal(() => verifyQuoteAgainstRoot(QUOTE, COLLATERAL, INTEL_ROOT_CA_DER, Date.parse('2025-10-03T00:00:00Z') / 1000))
    assert.equal(after.reason, 'QUOTE_INVALID')
    assert.match(after.message, /expired/)
  })
})
