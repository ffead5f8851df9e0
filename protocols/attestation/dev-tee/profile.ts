import type { QeReportFields, TdPlatformFields } from './quote-builder.js'
import type { SgxExtensionFields } from './sgx-extension.js'

/**
 * The one platform every dev test authority describes: an up-to-date TDX machine. Its numbers are
 * shaped like a real Sapphire Rapids platform's; what matters is that the PCK certificate, the TCB Info and
 * the QE Identity agree with each other and with the quotes, exactly as DCAP verification demands.
 */

function filled (length: number, value: number): Uint8Array {
  return new Uint8Array(length).fill(value)
}

const CPU_SVN = Uint8Array.from([3, 3, 2, 2, 3, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0])
const TEE_TCB_SVN = Uint8Array.from([5, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
const PCE_SVN = 13
const QE_ISV_SVN = 4
const QE_ISV_PROD_ID = 2 // TD_QE

export const DEV_PLATFORM = Object.freeze({
  fmspc: Uint8Array.from([0x00, 0x80, 0x6f, 0x05, 0x00, 0x00]),
  pceId: Uint8Array.from([0x00, 0x00]),
  cpuSvn: CPU_SVN,
  pceSvn: PCE_SVN,
  teeTcbSvn: TEE_TCB_SVN,
  qeSvn: QE_ISV_SVN,
  tcbEvaluationDataNumber: 17
})

export function devSgxExtension (): SgxExtensionFields {
  return {
    ppid: filled(16, 0xc0),
    cpuSvn: DEV_PLATFORM.cpuSvn,
    pceSvn: DEV_PLATFORM.pceSvn,
    pceId: DEV_PLATFORM.pceId,
    fmspc: DEV_PLATFORM.fmspc,
    sgxType: 0
  }
}

export function devTdPlatform (): TdPlatformFields {
  return {
    teeTcbSvn: DEV_PLATFORM.teeTcbSvn,
    mrSeam: filled(48, 0x5e),
    mrSignerSeam: new Uint8Array(48), // Intel-signed TDX module: all zero
    seamAttributes: new Uint8Array(8),
    tdAttributes: Uint8Array.from([0, 0, 0, 0x10, 0, 0, 0, 0]), // not debug; SEPT_VE_DISABLE set
    xfam: Uint8Array.from([0xe7, 0x1a, 0x06, 0, 0, 0, 0, 0])
  }
}

export function devQeReport (): QeReportFields {
  return {
    cpuSvn: DEV_PLATFORM.cpuSvn,
    miscSelect: 0,
    attributes: Uint8Array.from([0x11, ...new Uint8Array(15)]), // INIT | MODE64BIT, not DEBUG
    mrEnclave: filled(32, 0xe1),
    mrSigner: filled(32, 0xdc),
    isvProdId: QE_ISV_PROD_ID,
    isvSvn: QE_ISV_SVN
  }
}
