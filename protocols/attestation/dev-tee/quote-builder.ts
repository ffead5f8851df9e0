import { createHash, sign, type KeyObject } from 'node:crypto'
import type { TdMeasurements } from '../measurements.js'

/**
 * Byte-exact Intel TDX quote v4 (Intel TDX DCAP Quoting Library API, "Quote Format"): the layout a real
 * TD's quote has, so the one DCAP verifier path checks dev quotes and real ones alike.
 */

export const INTEL_QE_VENDOR_ID = Uint8Array.from([0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07])
const QUOTE_VERSION = 4
const ATTESTATION_KEY_TYPE_ECDSA_P256 = 2
const TEE_TYPE_TDX = 0x81
const CERT_TYPE_QE_REPORT = 6
const CERT_TYPE_PCK_CHAIN = 5
const QE_REPORT_BYTES = 384

/** The QE's own SGX report fields that a QE Identity constrains. */
export interface QeReportFields {
  cpuSvn: Uint8Array       // 16
  miscSelect: number
  attributes: Uint8Array   // 16
  mrEnclave: Uint8Array    // 32
  mrSigner: Uint8Array     // 32
  isvProdId: number
  isvSvn: number
}

/** The TD report fields other than measurements and REPORTDATA. */
export interface TdPlatformFields {
  teeTcbSvn: Uint8Array    // 16
  mrSeam: Uint8Array       // 48
  mrSignerSeam: Uint8Array // 48
  seamAttributes: Uint8Array // 8
  tdAttributes: Uint8Array // 8; bit 0 = debug, SEPT_VE_DISABLE (byte 3, 0x10) must be set
  xfam: Uint8Array         // 8
}

export interface TdxQuoteInput {
  reportData: Uint8Array   // 64
  measurements: TdMeasurements
  platform: TdPlatformFields
  qeSvn: number
  pceSvn: number
  qeReport: QeReportFields
  /** The QE attestation key: signs header || TD report. */
  attestationKey: KeyObject
  /** Its public point, x || y (64 bytes). */
  attestationPublicKey: Uint8Array
  /** The PCK key: signs the QE report. */
  pckKey: KeyObject
  /** PCK leaf -> PCK Platform CA -> root, PEM. */
  pckChainPem: string
  /** QE authentication data; REPORTDATA of the QE report hashes it with the attestation key. */
  qeAuthData: Uint8Array   // 32
}

class ByteWriter {
  private readonly parts: Uint8Array[] = []

  u16 (n: number): this { const b = new Uint8Array(2); new DataView(b.buffer).setUint16(0, n, true); return this.bytes(b) }
  u32 (n: number): this { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n, true); return this.bytes(b) }
  zeros (n: number): this { return this.bytes(new Uint8Array(n)) }

  bytes (b: Uint8Array, expected?: number): this {
    if (expected != null && b.length !== expected) throw new RangeError(`expected ${expected} bytes, got ${b.length}`)
    this.parts.push(b)
    return this
  }

  finish (): Uint8Array {
    return Buffer.concat(this.parts)
  }
}

/** ECDSA-P256-SHA256 in the raw r || s form quotes carry. */
function signRaw (key: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }))
}

function encodeHeader (input: TdxQuoteInput): Uint8Array {
  return new ByteWriter()
    .u16(QUOTE_VERSION).u16(ATTESTATION_KEY_TYPE_ECDSA_P256).u32(TEE_TYPE_TDX)
    .u16(input.qeSvn).u16(input.pceSvn)
    .bytes(INTEL_QE_VENDOR_ID, 16)
    .zeros(20) // user data: the QE id on real hardware
    .finish()
}

function encodeTdReport (input: TdxQuoteInput): Uint8Array {
  const p = input.platform
  const [rtmr0, rtmr1, rtmr2, rtmr3] = input.measurements.rtmrs
  return new ByteWriter()
    .bytes(p.teeTcbSvn, 16).bytes(p.mrSeam, 48).bytes(p.mrSignerSeam, 48)
    .bytes(p.seamAttributes, 8).bytes(p.tdAttributes, 8).bytes(p.xfam, 8)
    .bytes(input.measurements.mrTd, 48)
    .zeros(48 * 3) // MRCONFIGID, MROWNER, MROWNERCONFIG
    .bytes(rtmr0, 48).bytes(rtmr1, 48).bytes(rtmr2, 48).bytes(rtmr3, 48)
    .bytes(input.reportData, 64)
    .finish()
}

function encodeQeReport (fields: QeReportFields, reportData: Uint8Array): Uint8Array {
  const report = new ByteWriter()
    .bytes(fields.cpuSvn, 16).u32(fields.miscSelect).zeros(28)
    .bytes(fields.attributes, 16).bytes(fields.mrEnclave, 32).zeros(32)
    .bytes(fields.mrSigner, 32).zeros(96)
    .u16(fields.isvProdId).u16(fields.isvSvn).zeros(60)
    .bytes(reportData, 64)
    .finish()
  if (report.length !== QE_REPORT_BYTES) throw new Error(`QE report is ${report.length} bytes`)
  return report
}

/** Emits a signed v4 TDX quote. */
export function buildTdxQuote (input: TdxQuoteInput): Uint8Array {
  const header = encodeHeader(input)
  const tdReport = encodeTdReport(input)
  const quoteSignature = signRaw(input.attestationKey, Buffer.concat([header, tdReport]))

  // The QE vouches for the attestation key: its REPORTDATA starts with SHA-256(attestation key || auth data).
  const qeReportData = new Uint8Array(64)
  qeReportData.set(createHash('sha256').update(input.attestationPublicKey).update(input.qeAuthData).digest())
  const qeReport = encodeQeReport(input.qeReport, qeReportData)
  const qeReportSignature = signRaw(input.pckKey, qeReport)

  const chain = Buffer.from(input.pckChainPem, 'utf8')
  const qeCertificationData = new ByteWriter()
    .bytes(qeReport).bytes(qeReportSignature, 64)
    .u16(input.qeAuthData.length).bytes(input.qeAuthData)
    .u16(CERT_TYPE_PCK_CHAIN).u32(chain.length).bytes(chain)
    .finish()
  const authData = new ByteWriter()
    .bytes(quoteSignature, 64).bytes(input.attestationPublicKey, 64)
    .u16(CERT_TYPE_QE_REPORT).u32(qeCertificationData.length).bytes(qeCertificationData)
    .finish()

  return new ByteWriter().bytes(header).bytes(tdReport).u32(authData.length).bytes(authData).finish()
}
