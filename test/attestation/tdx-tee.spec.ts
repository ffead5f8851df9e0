import { strict as assert } from 'node:assert'
import * as fs from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { INTEL_PCS_URL } from '@phala/dcap-qvl'
import {
  collateralNextUpdate, COLLATERAL_REFRESH_MARGIN_MS, createTestAuthority, DEFAULT_PCCS_URL, DevTeeProvider,
  parseTdxQuote, TdxTeeProvider, verifyQuoteAgainstRoot, type CollateralFetcher, type TdMeasurements, type TestAuthority,
  type TsmFileSystem
} from '../../protocols/attestation/index.js'
import { chooseTee, createTeeProvider } from '../../node/roles/tee-choice.js'
import { ManualClock, makeWorker, otherImage, T0_MS, thrown, imageHashOf } from './fixtures.js'

const DAY_MS = 86_400_000
const AUTHORITY_DAYS = 30

interface KernelBehaviour {
  provider: string
  failWrite: boolean
  failRead: boolean
  emptyQuote: boolean
  /** How many of the next outblob reads another writer races (bumping the generation). */
  contend: number
}

function ioError (message: string, code: string): Error {
  return Object.assign(new Error(message), { code })
}

/**
 * A fake configfs-tsm over a real temporary directory: mkdir populates `provider` and `generation` as the
 * kernel does, writing `inblob` bumps the generation, reading `outblob` returns a quote the dev test authority
 * makes over whatever `inblob` holds, and rmdir drops the attribute files before removing the directory.
 * Outblob reads yield to the event loop first, so unserialised requests would overlap.
 */
class FakeTsmKernel implements TsmFileSystem {
  readonly behaviour: KernelBehaviour = { provider: 'tdx_guest', failWrite: false, failRead: false, emptyQuote: false, contend: 0 }
  readonly created: string[] = []
  readonly inblobs: Uint8Array[] = []
  readonly served: Uint8Array[] = []
  live = 0
  maxLive = 0

  constructor (private readonly authority: TestAuthority, private readonly measurements: TdMeasurements) {}

  private async bump (dir: string): Promise<void> {
    const g = Number(await fs.readFile(join(dir, 'generation'), 'utf8'))
    await fs.writeFile(join(dir, 'generation'), `${g + 1}\n`)
  }

  async mkdir (path: string): Promise<void> {
    await fs.mkdir(path)
    this.created.push(path)
    this.maxLive = Math.max(this.maxLive, ++this.live)
    await fs.writeFile(join(path, 'provider'), `${this.behaviour.provider}\n`)
    await fs.writeFile(join(path, 'generation'), '0\n')
  }

  async writeFile (path: string, data: Uint8Array): Promise<void> {
    if (basename(path) === 'inblob' && this.behaviour.failWrite) throw ioError('EIO: i/o error, write', 'EIO')
    await fs.writeFile(path, data)
    if (basename(path) === 'inblob') {
      this.inblobs.push(new Uint8Array(data))
      await this.bump(join(path, '..'))
    }
  }

  async readFile (path: string): Promise<Uint8Array> {
    if (basename(path) !== 'outblob') return await fs.readFile(path)
    await new Promise(resolve => setTimeout(resolve, 5))
    if (this.behaviour.failRead) throw ioError('EIO: i/o error, read', 'EIO')
    const dir = join(path, '..')
    if (this.behaviour.contend > 0) {
      this.behaviour.contend--
      await this.bump(dir)
    }
    const reportData = await fs.readFile(join(dir, 'inblob'))
    const quote = this.behaviour.emptyQuote
      ? new Uint8Array(0)
      : this.authority.quote({ reportData, mrTd: this.measurements.mrTd, rtmrs: this.measurements.rtmrs })
    this.served.push(quote)
    return quote
  }

  async rmdir (path: string): Promise<void> {
    for (const name of ['provider', 'generation', 'inblob']) await fs.rm(join(path, name), { force: true })
    await fs.rmdir(path)
    this.live--
  }
}

describe('attestation: TDX TEE provider over configfs-tsm', function () {
  let authority: TestAuthority
  let base: string
  let root: string
  let kernel: FakeTsmKernel
  let clock: ManualClock
  let fetches: Array<{ url: string, quote: Uint8Array }>
  let fetchCollateral: CollateralFetcher
  const measurements = otherImage()

  before(async function () {
    authority = await createTestAuthority({ now: () => T0_MS, validityDays: AUTHORITY_DAYS })
    base = await fs.mkdtemp(join(tmpdir(), 'cocoon-tsm-'))
  })

  after(async function () {
    await fs.rm(base, { recursive: true, force: true })
  })

  beforeEach(async function () {
    root = await fs.mkdtemp(join(base, 'report-'))
    kernel = new FakeTsmKernel(authority, measurements)
    clock = new ManualClock()
    fetches = []
    fetchCollateral = async (url, quote) => {
      fetches.push({ url, quote })
      return authority.collateral()
    }
  })

  const provider = (extra: Partial<ConstructorParameters<typeof TdxTeeProvider>[0]> = {}): TdxTeeProvider =>
    new TdxTeeProvider({ reportRoot: root, fs: kernel, fetchCollateral, now: clock.now, pccsUrl: 'https://pccs.test', ...extra })

  const reportData = (seed: number): Uint8Array => new Uint8Array(64).map((_, i) => (i * 7 + seed) & 0xff)

  async function assertRootEmpty (): Promise<void> {
    assert.deepEqual(await fs.readdir(root), [], 'every report directory is removed')
  }

  it('writes exactly the REPORTDATA, returns the kernel\'s quote with collateral it verifies against, and removes its directory', async function () {
    const rd = reportData(1)
    const evidence = await provider().quote(rd)
    assert.equal(kernel.inblobs.length, 1)
    assert.deepEqual(kernel.inblobs[0], rd)
    assert.deepEqual(evidence.quote, kernel.served[0])
    assert.deepEqual(parseTdxQuote(evidence.quote).reportData, rd)
    assert.equal(kernel.created.length, 1)
    assert.ok(kernel.created[0].startsWith(root + '/cocoon-'))
    await assertRootEmpty()
    assert.deepEqual(fetches.map(f => f.url), ['https://pccs.test'])
    assert.deepEqual(fetches[0].quote, evidence.quote)
    const verdict = verifyQuoteAgainstRoot(evidence.quote, evidence.collateral, authority.rootCertificateDer, Math.floor(T0_MS / 1000))
    assert.equal(verdict.tcbStatus, 'UpToDate')
  })

  it('reports MRTD and RTMR0-3 from a quote over zero REPORTDATA', async function () {
    const m = await provider().measurements()
    assert.deepEqual(kernel.inblobs, [new Uint8Array(64)])
    assert.deepEqual(m.mrTd, measurements.mrTd)
    assert.deepEqual([...m.rtmrs], [...measurements.rtmrs])
    assert.equal(fetches.length, 0, 'measurements need no collateral')
    await assertRootEmpty()
  })

  it('issues a certificate whose image hash is the measured one', async function () {
    const { issued } = await makeWorker(authority, clock, { tee: provider() })
    assert.deepEqual(issued.claims.imageHash, imageHashOf(measurements))
    assert.equal(kernel.created.length, 2, 'one report for the measurements, one for the certificate')
    await assertRootEmpty()
  })

  it('serialises concurrent requests: one report directory at a time, each caller gets its own quote', async function () {
    const tee = provider()
    const rds = [1, 2, 3, 4, 5].map(reportData)
    const quotes = await Promise.all(rds.map(async rd => (await tee.quote(rd)).quote))
    assert.equal(kernel.maxLive, 1)
    quotes.forEach((q, i) => assert.deepEqual(parseTdxQuote(q).reportData, rds[i]))
    assert.equal(fetches.length, 1, 'collateral is fetched once and reused')
    await assertRootEmpty()
  })

  it('retries once in a fresh directory when another writer moves the generation', async function () {
    kernel.behaviour.contend = 1
    const rd = reportData(2)
    const evidence = await provider().quote(rd)
    assert.equal(kernel.created.length, 2)
    assert.notEqual(kernel.created[0], kernel.created[1])
    assert.deepEqual(parseTdxQuote(evidence.quote).reportData, rd)
    await assertRootEmpty()
  })

  it('gives TsmContendedError when the generation moves twice in a row', async function () {
    kernel.behaviour.contend = 2
    const err = await thrown(async () => provider().quote(reportData(3)))
    assert.equal(err.name, 'TsmContendedError')
    assert.equal(err.code, 'TSM_CONTENDED')
    assert.equal(kernel.created.length, 2)
    await assertRootEmpty()
  })

  it('gives TsmUnavailableError when the configfs-tsm report root is absent', async function () {
    const err = await thrown(async () => provider({ reportRoot: join(root, 'no-such-dir') }).quote(reportData(4)))
    assert.equal(err.name, 'TsmUnavailableError')
    assert.equal(err.code, 'TSM_UNAVAILABLE')
  })

  it('gives TsmWrongProviderError for another TEE, before writing anything', async function () {
    kernel.behaviour.provider = 'sev_guest'
    const err = await thrown(async () => provider().quote(reportData(5)))
    assert.equal(err.name, 'TsmWrongProviderError')
    assert.equal(err.code, 'TSM_WRONG_PROVIDER')
    assert.match(err.message, /sev_guest/)
    assert.equal(kernel.inblobs.length, 0)
    await assertRootEmpty()
  })

  it('gives TsmIoError when writing inblob or reading outblob fails, and still removes the directory', async function () {
    kernel.behaviour.failWrite = true
    const writeErr = await thrown(async () => provider().quote(reportData(6)))
    assert.equal(writeErr.name, 'TsmIoError')
    assert.equal(writeErr.code, 'TSM_IO')
    assert.match(writeErr.message, /inblob/)
    await assertRootEmpty()

    kernel.behaviour.failWrite = false
    kernel.behaviour.failRead = true
    const readErr = await thrown(async () => provider().quote(reportData(6)))
    assert.equal(readErr.name, 'TsmIoError')
    assert.match(readErr.message, /outblob/)
    await assertRootEmpty()
  })

  it('gives TsmEmptyQuoteError for a zero-length quote', async function () {
    kernel.behaviour.emptyQuote = true
    const err = await thrown(async () => provider().quote(reportData(7)))
    assert.equal(err.name, 'TsmEmptyQuoteError')
    assert.equal(err.code, 'TSM_EMPTY_QUOTE')
    await assertRootEmpty()
  })

  it('refuses REPORTDATA that is not 64 bytes without touching configfs', async function () {
    const err = await thrown(async () => provider().quote(new Uint8Array(32)))
    assert.equal(err.code, 'BAD_REQUEST')
    assert.equal(kernel.created.length, 0)
  })

  it('gives CollateralFetchError when the PCCS fails or answers with something that is not collateral', async function () {
    const failing = await thrown(async () => provider({ fetchCollateral: async () => { throw new Error('503 Service Unavailable') } }).quote(reportData(8)))
    assert.equal(failing.name, 'CollateralFetchError')
    assert.equal(failing.code, 'COLLATERAL_FETCH_FAILED')
    assert.match(failing.message, /503/)
    const malformed = await thrown(async () => provider({ fetchCollateral: async () => ({ tcb_info: 'x' }) }).quote(reportData(8)))
    assert.equal(malformed.name, 'CollateralFetchError')
  })

  it('dates collateral by its earliest nextUpdate', function () {
    assert.equal(collateralNextUpdate(authority.collateral()), T0_MS + AUTHORITY_DAYS * DAY_MS)
  })

  it('reuses collateral until the refresh margin before its nextUpdate, then fetches again', async function () {
    const tee = provider()
    await tee.quote(reportData(9))
    clock.ms = T0_MS + AUTHORITY_DAYS * DAY_MS - COLLATERAL_REFRESH_MARGIN_MS - 1
    await tee.quote(reportData(9))
    assert.equal(fetches.length, 1)
    clock.ms += 1
    await tee.quote(reportData(9))
    assert.equal(fetches.length, 2)
  })

  it('falls back to the kept collateral while it is unexpired when a refresh fails, and not after', async function () {
    let fail = false
    const tee = provider({ fetchCollateral: async (url, quote) => { if (fail) throw new Error('offline'); return await fetchCollateral(url, quote) } })
    const first = await tee.quote(reportData(10))
    fail = true
    clock.ms = T0_MS + AUTHORITY_DAYS * DAY_MS - 1
    assert.deepEqual((await tee.quote(reportData(10))).collateral, first.collateral)
    clock.ms += 1
    const err = await thrown(async () => tee.quote(reportData(10)))
    assert.equal(err.name, 'CollateralFetchError')
  })

  it('defaults to Intel\'s PCS for collateral', function () {
    assert.equal(DEFAULT_PCCS_URL, INTEL_PCS_URL)
  })
})

describe('attestation: worker TEE choice', function () {
  let base: string

  before(async function () {
    base = await fs.mkdtemp(join(tmpdir(), 'cocoon-tee-choice-'))
  })

  after(async function () {
    await fs.rm(base, { recursive: true, force: true })
  })

  it('uses the development TEE when --dev-tee is given, even in a TDX guest', async function () {
    const choice = chooseTee({ devTee: join(base, 'dev'), reportRoot: base })
    assert.deepEqual(choice, { kind: 'dev', dir: join(base, 'dev') })
    assert.ok(await createTeeProvider(choice) instanceof DevTeeProvider)
  })

  it('uses TDX when the configfs-tsm report root exists, with the given PCCS or Intel\'s', async function () {
    assert.deepEqual(chooseTee({ reportRoot: base }), { kind: 'tdx', reportRoot: base, pccsUrl: INTEL_PCS_URL })
    const choice = chooseTee({ reportRoot: base, pccs: 'https://pccs.example' })
    assert.deepEqual(choice, { kind: 'tdx', reportRoot: base, pccsUrl: 'https://pccs.example' })
    assert.ok(await createTeeProvider(choice) instanceof TdxTeeProvider)
  })

  it('refuses with one line naming both ways when there is neither', function () {
    const missing = join(base, 'tsm', 'report')
    assert.throws(() => chooseTee({ reportRoot: missing }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CONFIG')
      assert.match(err.message, /--dev-tee DIR/)
      assert.match(err.message, /TDX guest with configfs-tsm/)
      assert.ok(err.message.includes(missing))
      assert.ok(!err.message.includes('\n'))
      return true
    })
  })
})
