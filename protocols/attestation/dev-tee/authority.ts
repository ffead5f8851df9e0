import 'reflect-metadata' // @peculiar/x509's DI container needs it loaded first
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto'
import * as x509 from '@peculiar/x509'
import { CocoonError } from '../../common/errors.js'
import { systemClock, type Clock } from '../../common/clock.js'
import { normalizeCollateral, type Collateral } from '../collateral.js'
import { CLOCK_SKEW_SECONDS, TEST_AUTHORITY_VALIDITY_DAYS } from '../constants.js'
import { DEV_IMAGE_MEASUREMENTS, MEASUREMENT_BYTES, type TdMeasurements } from '../measurements.js'
import { rootCaHash } from '../roots.js'
import { signDevCollateral } from './collateral-signing.js'
import { createDevPki, pem } from './pki.js'
import { DEV_PLATFORM, devQeReport, devSgxExtension, devTdPlatform } from './profile.js'
import { buildTdxQuote } from './quote-builder.js'

/** Everything a test authority is made of; exactly what `saveTestAuthority` writes. */
export interface TestAuthorityState {
  rootCertPem: string
  platformCaCertPem: string
  pckCertPem: string
  tcbSigningCertPem: string
  /** PKCS#8 PEM of the PCK key, which signs QE reports. */
  pckKeyPem: string
  /** PKCS#8 PEM of the QE attestation key, which signs quotes. */
  attestationKeyPem: string
  collateral: Collateral
}

export interface QuoteRequest {
  /** 64 bytes the quote binds. */
  reportData: Uint8Array
  /** Measurements to report; the dev image's when left out. */
  mrTd?: Uint8Array
  rtmrs?: TdMeasurements['rtmrs']
}

export interface CreateTestAuthorityOptions {
  now?: Clock
  /** @default TEST_AUTHORITY_VALIDITY_DAYS */
  validityDays?: number
}

function rawPublicPoint (key: KeyObject): Uint8Array {
  const jwk = createPublicKey(key).export({ format: 'jwk' })
  if (jwk.x == null || jwk.y == null) throw new CocoonError('INTERNAL', 'attestation key is not an EC key')
  return Buffer.concat([Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')])
}

function pkcs8 (key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString()
}

/**
 * A "dev TEE": an Intel-shaped attestation authority of our own. It emits byte-exact TDX v4 quotes that
 * `QuoteVerifier.newWithRootCa(rootCertificateDer)` accepts and Intel's root does not, so machines without
 * a TEE run the same verification path as production.
 */
export class TestAuthority {
  readonly rootCertificateDer: Uint8Array
  /** SHA-256 of the root DER: what a registry lists to accept this authority. */
  readonly rootHash: Uint8Array
  readonly state: TestAuthorityState
  private readonly pckKey: KeyObject
  private readonly attestationKey: KeyObject
  private readonly attestationPublicKey: Uint8Array
  private readonly pckChainPem: string

  constructor (state: TestAuthorityState) {
    try {
      const root = new x509.X509Certificate(state.rootCertPem)
      const pck = new x509.X509Certificate(state.pckCertPem)
      this.pckKey = createPrivateKey(state.pckKeyPem)
      this.attestationKey = createPrivateKey(state.attestationKeyPem)
      const pckPublic = createPublicKey(this.pckKey).export({ type: 'spki', format: 'der' })
      if (!Buffer.from(pck.publicKey.rawData).equals(pckPublic)) throw new Error('PCK key does not match the PCK certificate')
      this.rootCertificateDer = new Uint8Array(root.rawData)
      this.state = { ...state, collateral: normalizeCollateral(state.collateral) }
    } catch (err) {
      throw new CocoonError('BAD_REQUEST', `test authority: ${(err as Error).message}`, undefined, { cause: err })
    }
    this.rootHash = rootCaHash(this.rootCertificateDer)
    this.attestationPublicKey = rawPublicPoint(this.attestationKey)
    this.pckChainPem = [state.pckCertPem, state.platformCaCertPem, state.rootCertPem].map(p => p.trim()).join('\n') + '\n'
  }

  /** A signed v4 TDX quote over `reportData`, reporting the dev image unless told otherwise. */
  quote (request: QuoteRequest): Uint8Array {
    if (request.reportData.length !== 64) throw new CocoonError('BAD_REQUEST', `reportData must be 64 bytes, got ${request.reportData.length}`)
    const measurements: TdMeasurements = {
      mrTd: request.mrTd ?? DEV_IMAGE_MEASUREMENTS.mrTd,
      rtmrs: request.rtmrs ?? DEV_IMAGE_MEASUREMENTS.rtmrs
    }
    if ([measurements.mrTd, ...measurements.rtmrs].some(m => m.length !== MEASUREMENT_BYTES) || measurements.rtmrs.length !== 4) {
      throw new CocoonError('BAD_REQUEST', `MRTD and the four RTMRs must be ${MEASUREMENT_BYTES} bytes each`)
    }
    return buildTdxQuote({
      reportData: request.reportData,
      measurements,
      platform: devTdPlatform(),
      qeSvn: DEV_PLATFORM.qeSvn,
      pceSvn: DEV_PLATFORM.pceSvn,
      qeReport: devQeReport(),
      attestationKey: this.attestationKey,
      attestationPublicKey: this.attestationPublicKey,
      pckKey: this.pckKey,
      pckChainPem: this.pckChainPem,
      qeAuthData: new Uint8Array(32)
    })
  }

  /** The DCAP collateral (CRLs, TCB Info, QE Identity and their chains) its quotes verify against. */
  collateral (): Collateral {
    return { ...this.state.collateral }
  }
}

/** Makes a fresh authority: new keys, certificates, CRLs and signed collateral. */
export async function createTestAuthority (options: CreateTestAuthorityOptions = {}): Promise<TestAuthority> {
  const nowMs = (options.now ?? systemClock)()
  const validityDays = options.validityDays ?? TEST_AUTHORITY_VALIDITY_DAYS
  if (!(validityDays > 0)) throw new CocoonError('BAD_REQUEST', `validityDays must be positive, got ${validityDays}`)
  const notBefore = new Date(nowMs - CLOCK_SKEW_SECONDS * 1000)
  const notAfter = new Date(nowMs + validityDays * 86_400_000)
  const pki = await createDevPki({ notBefore, notAfter, sgx: devSgxExtension() })

  const pckKey = KeyObject.from(pki.pck.keys.privateKey)
  const tcbSigningKey = KeyObject.from(pki.tcbSigning.keys.privateKey)
  const attestationKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
  const rootPem = pem(pki.root.cert)
  const collateral = signDevCollateral({
    issuedAtMs: notBefore.getTime(),
    nextUpdateMs: notAfter.getTime(),
    fmspc: DEV_PLATFORM.fmspc,
    pceId: DEV_PLATFORM.pceId,
    cpuSvn: DEV_PLATFORM.cpuSvn,
    pceSvn: DEV_PLATFORM.pceSvn,
    teeTcbSvn: DEV_PLATFORM.teeTcbSvn,
    tcbEvaluationDataNumber: DEV_PLATFORM.tcbEvaluationDataNumber,
    qe: devQeReport(),
    tcbSigningKey,
    tcbIssuerChainPem: `${pem(pki.tcbSigning.cert)}\n${rootPem}\n`,
    pckCrlIssuerChainPem: `${pem(pki.platformCa.cert)}\n${rootPem}\n`,
    rootCrlDer: new Uint8Array(pki.rootCrl.rawData),
    pckCrlDer: new Uint8Array(pki.pckCrl.rawData)
  })

  return new TestAuthority({
    rootCertPem: rootPem,
    platformCaCertPem: pem(pki.platformCa.cert),
    pckCertPem: pem(pki.pck.cert),
    tcbSigningCertPem: pem(pki.tcbSigning.cert),
    pckKeyPem: pkcs8(pckKey),
    attestationKeyPem: pkcs8(attestationKey),
    collateral
  })
}
