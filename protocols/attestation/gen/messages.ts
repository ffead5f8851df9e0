/* eslint-disable require-yield */

import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface CertificateBody {
  tee: string
  imageHash: Uint8Array<ArrayBuffer>
  peerId: Uint8Array<ArrayBuffer>
  sealKey: Uint8Array<ArrayBuffer>
  payoutAddress: string
  gpu: string
  modelHashes: Uint8Array<ArrayBuffer>[]
  notBefore: number
  notAfter: number
}

export namespace CertificateBody {
  let _codec: Codec<CertificateBody>

  export const codec = (): Codec<CertificateBody> => {
    if (_codec == null) {
      _codec = message<CertificateBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.tee != null && obj.tee !== '')) {
          w.uint32(10)
          w.string(obj.tee)
        }

        if ((obj.imageHash != null && obj.imageHash.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.imageHash)
        }

        if ((obj.peerId != null && obj.peerId.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.peerId)
        }

        if ((obj.sealKey != null && obj.sealKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.sealKey)
        }

        if ((obj.payoutAddress != null && obj.payoutAddress !== '')) {
          w.uint32(42)
          w.string(obj.payoutAddress)
        }

        if ((obj.gpu != null && obj.gpu !== '')) {
          w.uint32(50)
          w.string(obj.gpu)
        }

        if (obj.modelHashes != null && obj.modelHashes.length > 0) {
          for (const value of obj.modelHashes) {
            w.uint32(58)
            w.bytes(value)
          }
        }

        if ((obj.notBefore != null && obj.notBefore !== 0)) {
          w.uint32(64)
          w.uint64Number(obj.notBefore)
        }

        if ((obj.notAfter != null && obj.notAfter !== 0)) {
          w.uint32(72)
          w.uint64Number(obj.notAfter)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          tee: '',
          imageHash: uint8ArrayAlloc(0),
          peerId: uint8ArrayAlloc(0),
          sealKey: uint8ArrayAlloc(0),
          payoutAddress: '',
          gpu: '',
          modelHashes: [],
          notBefore: 0,
          notAfter: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.tee = reader.string()
              break
            }
            case 2: {
              obj.imageHash = reader.bytes()
              break
            }
            case 3: {
              obj.peerId = reader.bytes()
              break
            }
            case 4: {
              obj.sealKey = reader.bytes()
              break
            }
            case 5: {
              obj.payoutAddress = reader.string()
              break
            }
            case 6: {
              obj.gpu = reader.string()
              break
            }
            case 7: {
              if (opts.limits?.modelHashes != null && obj.modelHashes.length === opts.limits.modelHashes) {
                throw new MaxLengthError('Decode error - repeated field "modelHashes" had too many elements')
              }

              obj.modelHashes.push(reader.bytes())
              break
            }
            case 8: {
              obj.notBefore = reader.uint64Number()
              break
            }
            case 9: {
              obj.notAfter = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          modelHashes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.tee`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.imageHash`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.sealKey`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.payoutAddress`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.gpu`,
                value: reader.string()
              }
              break
            }
            case 7: {
              if (opts.limits?.modelHashes != null && obj.modelHashes === opts.limits.modelHashes) {
                throw new MaxLengthError('Streaming decode error - repeated field "modelHashes" had too many elements')
              }

              yield {
                field: `${prefix}.modelHashes[]`,
                index: obj.modelHashes,
                value: reader.bytes()
              }

              obj.modelHashes++

              break
            }
            case 8: {
              yield {
                field: `${prefix}.notBefore`,
                value: reader.uint64Number()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.notAfter`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface CertificateBodyTeeFieldEvent {
    field: '$.tee'
    value: string
  }

  export interface CertificateBodyImageHashFieldEvent {
    field: '$.imageHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CertificateBodyPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CertificateBodySealKeyFieldEvent {
    field: '$.sealKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CertificateBodyPayoutAddressFieldEvent {
    field: '$.payoutAddress'
    value: string
  }

  export interface CertificateBodyGpuFieldEvent {
    field: '$.gpu'
    value: string
  }

  export interface CertificateBodyModelHashesFieldEvent {
    field: '$.modelHashes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface CertificateBodyNotBeforeFieldEvent {
    field: '$.notBefore'
    value: number
  }

  export interface CertificateBodyNotAfterFieldEvent {
    field: '$.notAfter'
    value: number
  }

  export function encode (obj: Partial<CertificateBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CertificateBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CertificateBody>): CertificateBody {
    return decodeMessage(buf, CertificateBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CertificateBody>): Generator<CertificateBodyTeeFieldEvent | CertificateBodyImageHashFieldEvent | CertificateBodyPeerIdFieldEvent | CertificateBodySealKeyFieldEvent | CertificateBodyPayoutAddressFieldEvent | CertificateBodyGpuFieldEvent | CertificateBodyModelHashesFieldEvent | CertificateBodyNotBeforeFieldEvent | CertificateBodyNotAfterFieldEvent> {
    return streamMessage(buf, CertificateBody.codec(), opts)
  }
}

export interface Certificate {
  body: Uint8Array<ArrayBuffer>
  quote: Uint8Array<ArrayBuffer>
  peerSignature: Uint8Array<ArrayBuffer>
}

export namespace Certificate {
  let _codec: Codec<Certificate>

  export const codec = (): Codec<Certificate> => {
    if (_codec == null) {
      _codec = message<Certificate>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.body != null && obj.body.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.body)
        }

        if ((obj.quote != null && obj.quote.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.quote)
        }

        if ((obj.peerSignature != null && obj.peerSignature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.peerSignature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          body: uint8ArrayAlloc(0),
          quote: uint8ArrayAlloc(0),
          peerSignature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.body = reader.bytes()
              break
            }
            case 2: {
              obj.quote = reader.bytes()
              break
            }
            case 3: {
              obj.peerSignature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.body`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.quote`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.peerSignature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface CertificateBodyFieldEvent {
    field: '$.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CertificateQuoteFieldEvent {
    field: '$.quote'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CertificatePeerSignatureFieldEvent {
    field: '$.peerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Certificate>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Certificate.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Certificate>): Certificate {
    return decodeMessage(buf, Certificate.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Certificate>): Generator<CertificateBodyFieldEvent | CertificateQuoteFieldEvent | CertificatePeerSignatureFieldEvent> {
    return streamMessage(buf, Certificate.codec(), opts)
  }
}

export interface AttestRequest {}

export namespace AttestRequest {
  let _codec: Codec<AttestRequest>

  export const codec = (): Codec<AttestRequest> => {
    if (_codec == null) {
      _codec = message<AttestRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export function encode (obj: Partial<AttestRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AttestRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttestRequest>): AttestRequest {
    return decodeMessage(buf, AttestRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttestRequest>): Generator<{}> {
    return streamMessage(buf, AttestRequest.codec(), opts)
  }
}

export interface AttestResponse {
  certificate: Uint8Array<ArrayBuffer>
  collateral: Uint8Array<ArrayBuffer>
  error?: string
}

export namespace AttestResponse {
  let _codec: Codec<AttestResponse>

  export const codec = (): Codec<AttestResponse> => {
    if (_codec == null) {
      _codec = message<AttestResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.certificate != null && obj.certificate.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.certificate)
        }

        if ((obj.collateral != null && obj.collateral.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.collateral)
        }

        if (obj.error != null) {
          w.uint32(26)
          w.string(obj.error)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          certificate: uint8ArrayAlloc(0),
          collateral: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.certificate = reader.bytes()
              break
            }
            case 2: {
              obj.collateral = reader.bytes()
              break
            }
            case 3: {
              obj.error = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.certificate`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.collateral`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.error`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AttestResponseCertificateFieldEvent {
    field: '$.certificate'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AttestResponseCollateralFieldEvent {
    field: '$.collateral'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AttestResponseErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export function encode (obj: Partial<AttestResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AttestResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttestResponse>): AttestResponse {
    return decodeMessage(buf, AttestResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttestResponse>): Generator<AttestResponseCertificateFieldEvent | AttestResponseCollateralFieldEvent | AttestResponseErrorFieldEvent> {
    return streamMessage(buf, AttestResponse.codec(), opts)
  }
}
