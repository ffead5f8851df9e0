import { derEnumerated, derInteger, derOctetString, derOid, derSequence } from './der.js'

/** Intel's SGX extension in PCK certificates and its members (Intel SGX PCK Certificate and CRL Profile). */
export const SGX_EXTENSION_OID = '1.2.840.113741.1.13.1'
const PPID_OID = `${SGX_EXTENSION_OID}.1`
const TCB_OID = `${SGX_EXTENSION_OID}.2`
const PCEID_OID = `${SGX_EXTENSION_OID}.3`
const FMSPC_OID = `${SGX_EXTENSION_OID}.4`
const SGX_TYPE_OID = `${SGX_EXTENSION_OID}.5`

export interface SgxExtensionFields {
  ppid: Uint8Array        // 16 bytes
  cpuSvn: Uint8Array      // 16 bytes; component i is also TCB component i+1
  pceSvn: number
  pceId: Uint8Array       // 2 bytes
  fmspc: Uint8Array       // 6 bytes
  sgxType: number         // 0 = Standard
}

function member (oid: string, value: Uint8Array): Uint8Array {
  return derSequence(derOid(oid), value)
}

/** DER value of the SGX extension, in the shape DCAP verifiers walk (OID-keyed SEQUENCE pairs). */
export function encodeSgxExtension (fields: SgxExtensionFields): Uint8Array {
  expectLength('ppid', fields.ppid, 16)
  expectLength('cpuSvn', fields.cpuSvn, 16)
  expectLength('pceId', fields.pceId, 2)
  expectLength('fmspc', fields.fmspc, 6)
  const components = Array.from(fields.cpuSvn, (svn, i) => member(`${TCB_OID}.${i + 1}`, derInteger(svn)))
  return derSequence(
    member(PPID_OID, derOctetString(fields.ppid)),
    member(TCB_OID, derSequence(
      ...components,
      member(`${TCB_OID}.17`, derInteger(fields.pceSvn)),
      member(`${TCB_OID}.18`, derOctetString(fields.cpuSvn))
    )),
    member(PCEID_OID, derOctetString(fields.pceId)),
    member(FMSPC_OID, derOctetString(fields.fmspc)),
    member(SGX_TYPE_OID, derEnumerated(fields.sgxType))
  )
}

function expectLength (name: string, bytes: Uint8Array, length: number): void {
  if (bytes.length !== length) throw new RangeError(`${name} must be ${length} bytes, got ${bytes.length}`)
}
