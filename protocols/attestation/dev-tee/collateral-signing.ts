import { sign, type KeyObject } from 'node:crypto'
import type { Collateral } from '../collateral.js'
import type { QeReportFields } from './quote-builder.js'

/** ISO-8601 without milliseconds, as Intel's PCS writes dates. */
function intelDate (ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function hexUpper (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase()
}

function components (svns: Uint8Array): Array<{ svn: number }> {
  return Array.from(svns, svn => ({ svn }))
}

function signJson (key: KeyObject, json: string): string {
  return sign('sha256', Buffer.from(json, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }).toString('hex')
}

export interface DevCollateralInput {
  issuedAtMs: number
  nextUpdateMs: number
  fmspc: Uint8Array
  pceId: Uint8Array
  cpuSvn: Uint8Array
  pceSvn: number
  teeTcbSvn: Uint8Array
  tcbEvaluationDataNumber: number
  qe: QeReportFields
  tcbSigningKey: KeyObject
  /** TCB signing cert then root, PEM. */
  tcbIssuerChainPem: string
  /** PCK Platform CA then root, PEM. */
  pckCrlIssuerChainPem: string
  rootCrlDer: Uint8Array
  pckCrlDer: Uint8Array
}

/**
 * Signed TDX TCB Info (id "TDX", version 3) with one UpToDate level that the dev platform meets, and a signed
 * QE Identity (id "TD_QE", version 2) that the dev QE report matches, in Intel's PCS JSON shapes.
 */
export function signDevCollateral (input: DevCollateralInput): Collateral {
  const issueDate = intelDate(input.issuedAtMs)
  const nextUpdate = intelDate(input.nextUpdateMs)
  const tcbInfo = JSON.stringify({
    id: 'TDX',
    version: 3,
    issueDate,
    nextUpdate,
    fmspc: hexUpper(input.fmspc),
    pceId: hexUpper(input.pceId),
    tcbType: 0,
    tcbEvaluationDataNumber: input.tcbEvaluationDataNumber,
    tdxModule: { mrsigner: hexUpper(new Uint8Array(48)), attributes: '0000000000000000', attributesMask: 'FFFFFFFFFFFFFFFF' },
    tcbLevels: [{
      tcb: {
        sgxtcbcomponents: components(input.cpuSvn),
        pcesvn: input.pceSvn,
        tdxtcbcomponents: components(input.teeTcbSvn)
      },
      tcbDate: issueDate,
      tcbStatus: 'UpToDate'
    }]
  })
  const qeIdentity = JSON.stringify({
    id: 'TD_QE',
    version: 2,
    issueDate,
    nextUpdate,
    tcbEvaluationDataNumber: input.tcbEvaluationDataNumber,
    miscselect: '00000000',
    miscselectMask: 'FFFFFFFF',
    attributes: hexUpper(input.qe.attributes),
    attributesMask: 'FBFFFFFFFFFFFFFF0000000000000000',
    mrsigner: hexUpper(input.qe.mrSigner),
    isvprodid: input.qe.isvProdId,
    tcbLevels: [{ tcb: { isvsvn: input.qe.isvSvn }, tcbDate: issueDate, tcbStatus: 'UpToDate' }]
  })
  return {
    pck_crl_issuer_chain: input.pckCrlIssuerChainPem,
    root_ca_crl: Buffer.from(input.rootCrlDer).toString('hex'),
    pck_crl: Buffer.from(input.pckCrlDer).toString('hex'),
    tcb_info_issuer_chain: input.tcbIssuerChainPem,
    tcb_info: tcbInfo,
    tcb_info_signature: signJson(input.tcbSigningKey, tcbInfo),
    qe_identity_issuer_chain: input.tcbIssuerChainPem,
    qe_identity: qeIdentity,
    qe_identity_signature: signJson(input.tcbSigningKey, qeIdentity)
  }
}
