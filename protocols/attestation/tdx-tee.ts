import 'reflect-metadata' // @peculiar/x509's DI container needs it loaded first
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs/promises'
import { join } from 'node:path'
import * as x509 from '@peculiar/x509'
import { getCollateral } from '@phala/dcap-qvl'
import type { Logger } from 'pino'
import { systemClock, type Clock } from '../common/clock.js'
import { CocoonError } from '../common/errors.js'
import { normalizeCollateral, type Collateral } from './collateral.js'
import { COLLATERAL_REFRESH_MARGIN_MS, DEFAULT_PCCS_URL, TSM_PROVIDER_TDX, TSM_REPORT_ROOT } from './constants.js'
import { CollateralFetchError, TsmContendedError, TsmEmptyQuoteError, TsmIoError, TsmUnavailableError, TsmWrongProviderError } from './errors.js'
import type { TdMeasurements } from './measurements.js'
import { parseTdxQuote } from './quote.js'
import type { TeeEvidence, TeeProvider } from './tee.js'
import { silentLogger } from '../common/silent-logger.js'

const REPORT_DATA_BYTES = 64

/** The file operations the provider performs on configfs; `node:fs/promises` unless a test supplies a fake kernel. */
export interface TsmFileSystem {
  mkdir: (path: string) => Promise<unknown>
  rmdir: (path: string) => Promise<void>
  readFile: (path: string) => Promise<Uint8Array>
  writeFile: (path: string, data: Uint8Array) => Promise<void>
}

const nodeFs: TsmFileSystem = {
  mkdir: async (path) => fs.mkdir(path),
  rmdir: async (path) => fs.rmdir(path),
  readFile: async (path) => fs.readFile(path),
  writeFile: async (path, data) => fs.writeFile(path, data)
}

/** Fetches raw collateral for a quote from a PCCS; dcap-qvl's `getCollateral` by default. */
export type CollateralFetcher = (pccsUrl: string, quote: Uint8Array) => Promise<unknown>

export interface TdxTeeProviderInit {
  /** @default TSM_REPORT_ROOT */
  reportRoot?: string
  /** @default DEFAULT_PCCS_URL (Intel's PCS) */
  pccsUrl?: string
  /** @default getCollateral of @phala/dcap-qvl */
  fetchCollateral?: CollateralFetcher
  /** @default node:fs/promises */
  fs?: TsmFileSystem
  now?: Clock
  logger?: Logger
}

function errnoOf (err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code
}

function describe (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** Parses an Intel PCS date (ISO-8601) from a collateral JSON document's `nextUpdate`. */
function jsonNextUpdate (json: string, what: string): number {
  let value: unknown
  try {
    value = (JSON.parse(json) as { nextUpdate?: unknown }).nextUpdate
  } catch (err) {
    throw new CocoonError('MALFORMED', `collateral: ${what} is not JSON`, undefined, { cause: err })
  }
  const ms = typeof value === 'string' ? Date.parse(value) : NaN
  if (!Number.isFinite(ms)) throw new CocoonError('MALFORMED', `collateral: ${what} has no valid nextUpdate`)
  return ms
}

function crlNextUpdate (hex: string, what: string): number {
  let next: Date | undefined
  try {
    next = new x509.X509Crl(Buffer.from(hex, 'hex')).nextUpdate
  } catch (err) {
    throw new CocoonError('MALFORMED', `collateral: ${what} is not a DER CRL`, undefined, { cause: err })
  }
  if (next == null) throw new CocoonError('MALFORMED', `collateral: ${what} has no nextUpdate`)
  return next.getTime()
}

/**
 * The earliest `nextUpdate` (ms since the epoch) of the four dated parts of normalised collateral: TCB Info,
 * QE Identity and the two CRLs. Past it a verifier refuses the collateral. Throws MALFORMED.
 */
export function collateralNextUpdate (collateral: Collateral): number {
  return Math.min(
    jsonNextUpdate(collateral.tcb_info, 'tcb_info'),
    jsonNextUpdate(collateral.qe_identity, 'qe_identity'),
    crlNextUpdate(collateral.root_ca_crl as string, 'root_ca_crl'),
    crlNextUpdate(collateral.pck_crl as string, 'pck_crl')
  )
}

/**
 * The TEE of a real Intel TDX guest, through the Linux configfs-tsm report interface (kernel >= 6.7): each
 * quote is one fresh directory under `reportRoot` (write REPORTDATA to `inblob`, read the quote from
 * `outblob`, remove the directory). Collateral comes from a PCCS and is reused until shortly before it expires.
 * Quote requests are serialised: the quoting service behind the kernel handles one at a time anyway, and
 * concurrent report directories would only contend.
 */
export class TdxTeeProvider implements TeeProvider {
  readonly tee = 'tdx' as const
  private readonly reportRoot: string
  private readonly pccsUrl: string
  private readonly fetchCollateral: CollateralFetcher
  private readonly fs: TsmFileSystem
  private readonly now: Clock
  private readonly logger: Logger
  private queue: Promise<unknown> = Promise.resolve()
  private cached?: { collateral: Collateral, refreshAtMs: number, expiresAtMs: number }

  constructor (init: TdxTeeProviderInit = {}) {
    this.reportRoot = init.reportRoot ?? TSM_REPORT_ROOT
    this.pccsUrl = init.pccsUrl ?? DEFAULT_PCCS_URL
    this.fetchCollateral = init.fetchCollateral ?? (async (url, quote) => getCollateral(url, quote))
    this.fs = init.fs ?? nodeFs
    this.now = init.now ?? systemClock
    this.logger = init.logger ?? silentLogger
  }

  /** MRTD and RTMR0-3 as a quote over zero REPORTDATA reports them. */
  async measurements (): Promise<TdMeasurements> {
    return parseTdxQuote(await this.rawQuote(new Uint8Array(REPORT_DATA_BYTES))).measurements
  }

  async quote (reportData: Uint8Array): Promise<TeeEvidence> {
    const quote = await this.rawQuote(reportData)
    return { quote, collateral: await this.collateralFor(quote) }
  }

  /** A quote over `reportData` straight from the kernel, with one retry if another writer got in the way. */
  async rawQuote (reportData: Uint8Array): Promise<Uint8Array> {
    if (reportData.length !== REPORT_DATA_BYTES) {
      throw new CocoonError('BAD_REQUEST', `reportData must be ${REPORT_DATA_BYTES} bytes, got ${reportData.length}`)
    }
    return this.serialised(async () => {
      const first = await this.quoteOnce(reportData)
      if (first != null) return first
      this.logger.warn('configfs-tsm report changed under us; retrying once in a fresh directory')
      const second = await this.quoteOnce(reportData)
      if (second != null) return second
      throw new TsmContendedError('configfs-tsm report generation changed during two quote requests in a row: another process is writing our report directories')
    })
  }

  private async serialised<T> (task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task)
    this.queue = run.catch(() => {})
    return run
  }

  /** One report directory, start to finish; null when its generation moved (a concurrent writer). */
  private async quoteOnce (reportData: Uint8Array): Promise<Uint8Array | null> {
    const dir = join(this.reportRoot, `cocoon-${process.pid}-${randomBytes(8).toString('hex')}`)
    try {
      await this.fs.mkdir(dir)
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') {
        throw new TsmUnavailableError(`configfs-tsm is not available: ${this.reportRoot} does not exist (needs a TDX guest with Linux >= 6.7 and configfs mounted)`, { cause: err })
      }
      throw new TsmIoError(`cannot create a configfs-tsm report in ${this.reportRoot} (root is needed): ${describe(err)}`, { cause: err })
    }
    try {
      const provider = new TextDecoder().decode(await this.read(dir, 'provider')).trim()
      if (provider !== TSM_PROVIDER_TDX) {
        throw new TsmWrongProviderError(`configfs-tsm provider is '${provider}', not '${TSM_PROVIDER_TDX}': this is not a TDX guest`)
      }
      const before = await this.generation(dir)
      await this.write(dir, 'inblob', reportData)
      const quote = await this.read(dir, 'outblob')
      // Our single inblob write moves the generation by exactly one; anything else means another writer.
      if (await this.generation(dir) !== before + 1) return null
      if (quote.length === 0) throw new TsmEmptyQuoteError('configfs-tsm returned an empty quote')
      return quote
    } finally {
      await this.fs.rmdir(dir).catch(err => {
        this.logger.warn({ dir, err: describe(err) }, 'could not remove configfs-tsm report directory')
      })
    }
  }

  private async read (dir: string, name: string): Promise<Uint8Array> {
    try {
      return await this.fs.readFile(join(dir, name))
    } catch (err) {
      throw new TsmIoError(`cannot read configfs-tsm ${name}: ${describe(err)}`, { cause: err })
    }
  }

  private async write (dir: string, name: string, data: Uint8Array): Promise<void> {
    try {
      await this.fs.writeFile(join(dir, name), data)
    } catch (err) {
      throw new TsmIoError(`cannot write configfs-tsm ${name}: ${describe(err)}`, { cause: err })
    }
  }

  private async generation (dir: string): Promise<number> {
    const text = new TextDecoder().decode(await this.read(dir, 'generation')).trim()
    if (!/^\d+$/.test(text)) throw new TsmIoError(`configfs-tsm generation is not a number: '${text}'`)
    return Number(text)
  }

  /**
   * Collateral for this platform's quotes. Every quote of one machine shares it (same FMSPC and PCK CA), so one
   * copy is kept until COLLATERAL_REFRESH_MARGIN_MS before its earliest nextUpdate. If a refresh fails while the
   * kept copy has not expired yet, the kept copy is used and the failure logged.
   */
  private async collateralFor (quote: Uint8Array): Promise<Collateral> {
    const nowMs = this.now()
    const cached = this.cached
    if (cached != null && nowMs < cached.refreshAtMs) return cached.collateral
    let collateral: Collateral
    let nextUpdateMs: number
    try {
      collateral = normalizeCollateral(await this.fetchCollateral(this.pccsUrl, quote))
      nextUpdateMs = collateralNextUpdate(collateral)
    } catch (err) {
      if (cached != null && nowMs < cached.expiresAtMs) {
        this.logger.warn({ pccs: this.pccsUrl, err: describe(err) }, 'collateral refresh failed; using the copy fetched before')
        return cached.collateral
      }
      throw new CollateralFetchError(`cannot fetch collateral from ${this.pccsUrl}: ${describe(err)}`, { cause: err })
    }
    if (nextUpdateMs <= nowMs) {
      throw new CollateralFetchError(`collateral from ${this.pccsUrl} expired at ${new Date(nextUpdateMs).toISOString()}`)
    }
    this.cached = { collateral, refreshAtMs: nextUpdateMs - COLLATERAL_REFRESH_MARGIN_MS, expiresAtMs: nextUpdateMs }
    this.logger.debug({ pccs: this.pccsUrl, nextUpdate: new Date(nextUpdateMs).toISOString() }, 'fetched collateral')
    return collateral
  }
}
