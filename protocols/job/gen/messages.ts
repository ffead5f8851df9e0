/* eslint-disable require-yield */

import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface RouteRequest {
  model: string
  maxTokens: number
  maxPriceNanoPerToken: bigint
  preferredWorker?: Uint8Array<ArrayBuffer>
  sealed?: SealedJob
}

export namespace RouteRequest {
  let _codec: Codec<RouteRequest>

  export const codec = (): Codec<RouteRequest> => {
    if (_codec == null) {
      _codec = message<RouteRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.model != null && obj.model !== '')) {
          w.uint32(10)
          w.string(obj.model)
        }

        if ((obj.maxTokens != null && obj.maxTokens !== 0)) {
          w.uint32(16)
          w.uint32(obj.maxTokens)
        }

        if ((obj.maxPriceNanoPerToken != null && obj.maxPriceNanoPerToken !== 0n)) {
          w.uint32(24)
          w.uint64(obj.maxPriceNanoPerToken)
        }

        if (obj.preferredWorker != null) {
          w.uint32(34)
          w.bytes(obj.preferredWorker)
        }

        if (obj.sealed != null) {
          w.uint32(42)
          SealedJob.codec().encode(obj.sealed, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          model: '',
          maxTokens: 0,
          maxPriceNanoPerToken: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.model = reader.string()
              break
            }
            case 2: {
              obj.maxTokens = reader.uint32()
              break
            }
            case 3: {
              obj.maxPriceNanoPerToken = reader.uint64()
              break
            }
            case 4: {
              obj.preferredWorker = reader.bytes()
              break
            }
            case 5: {
              obj.sealed = SealedJob.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.sealed
              })
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
                field: `${prefix}.model`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.maxTokens`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.maxPriceNanoPerToken`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.preferredWorker`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield * SealedJob.codec().stream(reader, reader.uint32(), `${prefix}.sealed`, {
                limits: opts.limits?.sealed
              })

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

  export interface RouteRequestModelFieldEvent {
    field: '$.model'
    value: string
  }

  export interface RouteRequestMaxTokensFieldEvent {
    field: '$.maxTokens'
    value: number
  }

  export interface RouteRequestMaxPriceNanoPerTokenFieldEvent {
    field: '$.maxPriceNanoPerToken'
    value: bigint
  }

  export interface RouteRequestPreferredWorkerFieldEvent {
    field: '$.preferredWorker'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RouteRequestSealedJobIdFieldEvent {
    field: '$.sealed.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RouteRequestSealedAttemptFieldEvent {
    field: '$.sealed.attempt'
    value: number
  }

  export interface RouteRequestSealedEphemeralKeyFieldEvent {
    field: '$.sealed.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RouteRequestSealedCiphertextFieldEvent {
    field: '$.sealed.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RouteRequestSealedModelFieldEvent {
    field: '$.sealed.model'
    value: string
  }

  export interface RouteRequestSealedMaxTokensFieldEvent {
    field: '$.sealed.maxTokens'
    value: number
  }

  export function encode (obj: Partial<RouteRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RouteRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RouteRequest>): RouteRequest {
    return decodeMessage(buf, RouteRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RouteRequest>): Generator<RouteRequestModelFieldEvent | RouteRequestMaxTokensFieldEvent | RouteRequestMaxPriceNanoPerTokenFieldEvent | RouteRequestPreferredWorkerFieldEvent | RouteRequestSealedJobIdFieldEvent | RouteRequestSealedAttemptFieldEvent | RouteRequestSealedEphemeralKeyFieldEvent | RouteRequestSealedCiphertextFieldEvent | RouteRequestSealedModelFieldEvent | RouteRequestSealedMaxTokensFieldEvent> {
    return streamMessage(buf, RouteRequest.codec(), opts)
  }
}

export interface Accepted {
  priceNanoPerToken: bigint
}

export namespace Accepted {
  let _codec: Codec<Accepted>

  export const codec = (): Codec<Accepted> => {
    if (_codec == null) {
      _codec = message<Accepted>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.priceNanoPerToken != null && obj.priceNanoPerToken !== 0n)) {
          w.uint32(8)
          w.uint64(obj.priceNanoPerToken)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          priceNanoPerToken: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.priceNanoPerToken = reader.uint64()
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
                field: `${prefix}.priceNanoPerToken`,
                value: reader.uint64()
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

  export interface AcceptedPriceNanoPerTokenFieldEvent {
    field: '$.priceNanoPerToken'
    value: bigint
  }

  export function encode (obj: Partial<Accepted>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Accepted.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Accepted>): Accepted {
    return decodeMessage(buf, Accepted.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Accepted>): Generator<AcceptedPriceNanoPerTokenFieldEvent> {
    return streamMessage(buf, Accepted.codec(), opts)
  }
}

export interface RouteOffer {
  jobId: Uint8Array<ArrayBuffer>
  attempt: number
  workerPeerId: Uint8Array<ArrayBuffer>
  certificate: Uint8Array<ArrayBuffer>
  collateral: Uint8Array<ArrayBuffer>
  priceNanoPerToken: bigint
}

export namespace RouteOffer {
  let _codec: Codec<RouteOffer>

  export const codec = (): Codec<RouteOffer> => {
    if (_codec == null) {
      _codec = message<RouteOffer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.jobId)
        }

        if ((obj.attempt != null && obj.attempt !== 0)) {
          w.uint32(16)
          w.uint32(obj.attempt)
        }

        if ((obj.workerPeerId != null && obj.workerPeerId.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.workerPeerId)
        }

        if ((obj.certificate != null && obj.certificate.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.certificate)
        }

        if ((obj.collateral != null && obj.collateral.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.collateral)
        }

        if ((obj.priceNanoPerToken != null && obj.priceNanoPerToken !== 0n)) {
          w.uint32(48)
          w.uint64(obj.priceNanoPerToken)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          jobId: uint8ArrayAlloc(0),
          attempt: 0,
          workerPeerId: uint8ArrayAlloc(0),
          certificate: uint8ArrayAlloc(0),
          collateral: uint8ArrayAlloc(0),
          priceNanoPerToken: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.jobId = reader.bytes()
              break
            }
            case 2: {
              obj.attempt = reader.uint32()
              break
            }
            case 3: {
              obj.workerPeerId = reader.bytes()
              break
            }
            case 4: {
              obj.certificate = reader.bytes()
              break
            }
            case 5: {
              obj.collateral = reader.bytes()
              break
            }
            case 6: {
              obj.priceNanoPerToken = reader.uint64()
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
                field: `${prefix}.jobId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.attempt`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.workerPeerId`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.certificate`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.collateral`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.priceNanoPerToken`,
                value: reader.uint64()
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

  export interface RouteOfferJobIdFieldEvent {
    field: '$.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RouteOfferAttemptFieldEvent {
    field: '$.attempt'
    value: number
  }

  export interface RouteOfferWorkerPeerIdFieldEvent {
    field: '$.workerPeerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RouteOfferCertificateFieldEvent {
    field: '$.certificate'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RouteOfferCollateralFieldEvent {
    field: '$.collateral'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RouteOfferPriceNanoPerTokenFieldEvent {
    field: '$.priceNanoPerToken'
    value: bigint
  }

  export function encode (obj: Partial<RouteOffer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RouteOffer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RouteOffer>): RouteOffer {
    return decodeMessage(buf, RouteOffer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RouteOffer>): Generator<RouteOfferJobIdFieldEvent | RouteOfferAttemptFieldEvent | RouteOfferWorkerPeerIdFieldEvent | RouteOfferCertificateFieldEvent | RouteOfferCollateralFieldEvent | RouteOfferPriceNanoPerTokenFieldEvent> {
    return streamMessage(buf, RouteOffer.codec(), opts)
  }
}

export interface SealedJob {
  jobId: Uint8Array<ArrayBuffer>
  attempt: number
  ephemeralKey: Uint8Array<ArrayBuffer>
  ciphertext: Uint8Array<ArrayBuffer>
  model: string
  maxTokens: number
}

export namespace SealedJob {
  let _codec: Codec<SealedJob>

  export const codec = (): Codec<SealedJob> => {
    if (_codec == null) {
      _codec = message<SealedJob>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.jobId)
        }

        if ((obj.attempt != null && obj.attempt !== 0)) {
          w.uint32(16)
          w.uint32(obj.attempt)
        }

        if ((obj.ephemeralKey != null && obj.ephemeralKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.ephemeralKey)
        }

        if ((obj.ciphertext != null && obj.ciphertext.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.ciphertext)
        }

        if ((obj.model != null && obj.model !== '')) {
          w.uint32(42)
          w.string(obj.model)
        }

        if ((obj.maxTokens != null && obj.maxTokens !== 0)) {
          w.uint32(48)
          w.uint32(obj.maxTokens)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          jobId: uint8ArrayAlloc(0),
          attempt: 0,
          ephemeralKey: uint8ArrayAlloc(0),
          ciphertext: uint8ArrayAlloc(0),
          model: '',
          maxTokens: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.jobId = reader.bytes()
              break
            }
            case 2: {
              obj.attempt = reader.uint32()
              break
            }
            case 3: {
              obj.ephemeralKey = reader.bytes()
              break
            }
            case 4: {
              obj.ciphertext = reader.bytes()
              break
            }
            case 5: {
              obj.model = reader.string()
              break
            }
            case 6: {
              obj.maxTokens = reader.uint32()
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
                field: `${prefix}.jobId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.attempt`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.ephemeralKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.ciphertext`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.model`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.maxTokens`,
                value: reader.uint32()
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

  export interface SealedJobJobIdFieldEvent {
    field: '$.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SealedJobAttemptFieldEvent {
    field: '$.attempt'
    value: number
  }

  export interface SealedJobEphemeralKeyFieldEvent {
    field: '$.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SealedJobCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SealedJobModelFieldEvent {
    field: '$.model'
    value: string
  }

  export interface SealedJobMaxTokensFieldEvent {
    field: '$.maxTokens'
    value: number
  }

  export function encode (obj: Partial<SealedJob>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SealedJob.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedJob>): SealedJob {
    return decodeMessage(buf, SealedJob.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedJob>): Generator<SealedJobJobIdFieldEvent | SealedJobAttemptFieldEvent | SealedJobEphemeralKeyFieldEvent | SealedJobCiphertextFieldEvent | SealedJobModelFieldEvent | SealedJobMaxTokensFieldEvent> {
    return streamMessage(buf, SealedJob.codec(), opts)
  }
}

export interface SealedChunk {
  seq: bigint
  ciphertext: Uint8Array<ArrayBuffer>
  final: boolean
}

export namespace SealedChunk {
  let _codec: Codec<SealedChunk>

  export const codec = (): Codec<SealedChunk> => {
    if (_codec == null) {
      _codec = message<SealedChunk>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.seq != null && obj.seq !== 0n)) {
          w.uint32(8)
          w.uint64(obj.seq)
        }

        if ((obj.ciphertext != null && obj.ciphertext.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.ciphertext)
        }

        if ((obj.final != null && obj.final !== false)) {
          w.uint32(24)
          w.bool(obj.final)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          seq: 0n,
          ciphertext: uint8ArrayAlloc(0),
          final: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.seq = reader.uint64()
              break
            }
            case 2: {
              obj.ciphertext = reader.bytes()
              break
            }
            case 3: {
              obj.final = reader.bool()
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
                field: `${prefix}.seq`,
                value: reader.uint64()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.ciphertext`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.final`,
                value: reader.bool()
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

  export interface SealedChunkSeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export interface SealedChunkCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SealedChunkFinalFieldEvent {
    field: '$.final'
    value: boolean
  }

  export function encode (obj: Partial<SealedChunk>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SealedChunk.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedChunk>): SealedChunk {
    return decodeMessage(buf, SealedChunk.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedChunk>): Generator<SealedChunkSeqFieldEvent | SealedChunkCiphertextFieldEvent | SealedChunkFinalFieldEvent> {
    return streamMessage(buf, SealedChunk.codec(), opts)
  }
}

export interface Usage {
  promptTokens: number
  completionTokens: number
}

export namespace Usage {
  let _codec: Codec<Usage>

  export const codec = (): Codec<Usage> => {
    if (_codec == null) {
      _codec = message<Usage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.promptTokens != null && obj.promptTokens !== 0)) {
          w.uint32(8)
          w.uint32(obj.promptTokens)
        }

        if ((obj.completionTokens != null && obj.completionTokens !== 0)) {
          w.uint32(16)
          w.uint32(obj.completionTokens)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          promptTokens: 0,
          completionTokens: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.promptTokens = reader.uint32()
              break
            }
            case 2: {
              obj.completionTokens = reader.uint32()
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
                field: `${prefix}.promptTokens`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.completionTokens`,
                value: reader.uint32()
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

  export interface UsagePromptTokensFieldEvent {
    field: '$.promptTokens'
    value: number
  }

  export interface UsageCompletionTokensFieldEvent {
    field: '$.completionTokens'
    value: number
  }

  export function encode (obj: Partial<Usage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Usage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Usage>): Usage {
    return decodeMessage(buf, Usage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Usage>): Generator<UsagePromptTokensFieldEvent | UsageCompletionTokensFieldEvent> {
    return streamMessage(buf, Usage.codec(), opts)
  }
}

export interface Final {
  usage?: Usage
  outputHash: Uint8Array<ArrayBuffer>
  workerSignature: Uint8Array<ArrayBuffer>
}

export namespace Final {
  let _codec: Codec<Final>

  export const codec = (): Codec<Final> => {
    if (_codec == null) {
      _codec = message<Final>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.usage != null) {
          w.uint32(10)
          Usage.codec().encode(obj.usage, w)
        }

        if ((obj.outputHash != null && obj.outputHash.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.outputHash)
        }

        if ((obj.workerSignature != null && obj.workerSignature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.workerSignature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          outputHash: uint8ArrayAlloc(0),
          workerSignature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.usage = Usage.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.usage
              })
              break
            }
            case 2: {
              obj.outputHash = reader.bytes()
              break
            }
            case 3: {
              obj.workerSignature = reader.bytes()
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
              yield * Usage.codec().stream(reader, reader.uint32(), `${prefix}.usage`, {
                limits: opts.limits?.usage
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.outputHash`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.workerSignature`,
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

  export interface FinalUsagePromptTokensFieldEvent {
    field: '$.usage.promptTokens'
    value: number
  }

  export interface FinalUsageCompletionTokensFieldEvent {
    field: '$.usage.completionTokens'
    value: number
  }

  export interface FinalOutputHashFieldEvent {
    field: '$.outputHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FinalWorkerSignatureFieldEvent {
    field: '$.workerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Final>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Final.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Final>): Final {
    return decodeMessage(buf, Final.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Final>): Generator<FinalUsagePromptTokensFieldEvent | FinalUsageCompletionTokensFieldEvent | FinalOutputHashFieldEvent | FinalWorkerSignatureFieldEvent> {
    return streamMessage(buf, Final.codec(), opts)
  }
}

export interface Receipt {
  jobId: Uint8Array<ArrayBuffer>
  tokens: bigint
  amountNano: bigint
  seq: bigint
  signature: Uint8Array<ArrayBuffer>
}

export namespace Receipt {
  let _codec: Codec<Receipt>

  export const codec = (): Codec<Receipt> => {
    if (_codec == null) {
      _codec = message<Receipt>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.jobId)
        }

        if ((obj.tokens != null && obj.tokens !== 0n)) {
          w.uint32(16)
          w.uint64(obj.tokens)
        }

        if ((obj.amountNano != null && obj.amountNano !== 0n)) {
          w.uint32(24)
          w.uint64(obj.amountNano)
        }

        if ((obj.seq != null && obj.seq !== 0n)) {
          w.uint32(32)
          w.uint64(obj.seq)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          jobId: uint8ArrayAlloc(0),
          tokens: 0n,
          amountNano: 0n,
          seq: 0n,
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.jobId = reader.bytes()
              break
            }
            case 2: {
              obj.tokens = reader.uint64()
              break
            }
            case 3: {
              obj.amountNano = reader.uint64()
              break
            }
            case 4: {
              obj.seq = reader.uint64()
              break
            }
            case 5: {
              obj.signature = reader.bytes()
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
                field: `${prefix}.jobId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.tokens`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.amountNano`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.signature`,
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

  export interface ReceiptJobIdFieldEvent {
    field: '$.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReceiptTokensFieldEvent {
    field: '$.tokens'
    value: bigint
  }

  export interface ReceiptAmountNanoFieldEvent {
    field: '$.amountNano'
    value: bigint
  }

  export interface ReceiptSeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export interface ReceiptSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Receipt>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Receipt.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Receipt>): Receipt {
    return decodeMessage(buf, Receipt.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Receipt>): Generator<ReceiptJobIdFieldEvent | ReceiptTokensFieldEvent | ReceiptAmountNanoFieldEvent | ReceiptSeqFieldEvent | ReceiptSignatureFieldEvent> {
    return streamMessage(buf, Receipt.codec(), opts)
  }
}

export interface JobError {
  code: string
  message: string
}

export namespace JobError {
  let _codec: Codec<JobError>

  export const codec = (): Codec<JobError> => {
    if (_codec == null) {
      _codec = message<JobError>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(10)
          w.string(obj.code)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          code: '',
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.code = reader.string()
              break
            }
            case 2: {
              obj.message = reader.string()
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
                field: `${prefix}.code`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
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

  export interface JobErrorCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface JobErrorMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export function encode (obj: Partial<JobError>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JobError.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobError>): JobError {
    return decodeMessage(buf, JobError.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobError>): Generator<JobErrorCodeFieldEvent | JobErrorMessageFieldEvent> {
    return streamMessage(buf, JobError.codec(), opts)
  }
}

export interface Cancel {
  reason: string
}

export namespace Cancel {
  let _codec: Codec<Cancel>

  export const codec = (): Codec<Cancel> => {
    if (_codec == null) {
      _codec = message<Cancel>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(10)
          w.string(obj.reason)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          reason: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.reason = reader.string()
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
                field: `${prefix}.reason`,
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

  export interface CancelReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export function encode (obj: Partial<Cancel>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Cancel.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Cancel>): Cancel {
    return decodeMessage(buf, Cancel.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Cancel>): Generator<CancelReasonFieldEvent> {
    return streamMessage(buf, Cancel.codec(), opts)
  }
}

export interface ModelsRequest {}

export namespace ModelsRequest {
  let _codec: Codec<ModelsRequest>

  export const codec = (): Codec<ModelsRequest> => {
    if (_codec == null) {
      _codec = message<ModelsRequest>((obj, w, opts = {}) => {
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

  export function encode (obj: Partial<ModelsRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ModelsRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ModelsRequest>): ModelsRequest {
    return decodeMessage(buf, ModelsRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ModelsRequest>): Generator<{}> {
    return streamMessage(buf, ModelsRequest.codec(), opts)
  }
}

export interface ModelSummary {
  id: string
  sha256: Uint8Array<ArrayBuffer>
  workers: number
  freeSlots: number
  minPriceNanoPerToken: bigint
  contextLength: number
}

export namespace ModelSummary {
  let _codec: Codec<ModelSummary>

  export const codec = (): Codec<ModelSummary> => {
    if (_codec == null) {
      _codec = message<ModelSummary>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if ((obj.sha256 != null && obj.sha256.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.sha256)
        }

        if ((obj.workers != null && obj.workers !== 0)) {
          w.uint32(24)
          w.uint32(obj.workers)
        }

        if ((obj.freeSlots != null && obj.freeSlots !== 0)) {
          w.uint32(32)
          w.uint32(obj.freeSlots)
        }

        if ((obj.minPriceNanoPerToken != null && obj.minPriceNanoPerToken !== 0n)) {
          w.uint32(40)
          w.uint64(obj.minPriceNanoPerToken)
        }

        if ((obj.contextLength != null && obj.contextLength !== 0)) {
          w.uint32(48)
          w.uint32(obj.contextLength)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          sha256: uint8ArrayAlloc(0),
          workers: 0,
          freeSlots: 0,
          minPriceNanoPerToken: 0n,
          contextLength: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.string()
              break
            }
            case 2: {
              obj.sha256 = reader.bytes()
              break
            }
            case 3: {
              obj.workers = reader.uint32()
              break
            }
            case 4: {
              obj.freeSlots = reader.uint32()
              break
            }
            case 5: {
              obj.minPriceNanoPerToken = reader.uint64()
              break
            }
            case 6: {
              obj.contextLength = reader.uint32()
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
                field: `${prefix}.id`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.sha256`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.workers`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.freeSlots`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.minPriceNanoPerToken`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.contextLength`,
                value: reader.uint32()
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

  export interface ModelSummaryIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface ModelSummarySha256FieldEvent {
    field: '$.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ModelSummaryWorkersFieldEvent {
    field: '$.workers'
    value: number
  }

  export interface ModelSummaryFreeSlotsFieldEvent {
    field: '$.freeSlots'
    value: number
  }

  export interface ModelSummaryMinPriceNanoPerTokenFieldEvent {
    field: '$.minPriceNanoPerToken'
    value: bigint
  }

  export interface ModelSummaryContextLengthFieldEvent {
    field: '$.contextLength'
    value: number
  }

  export function encode (obj: Partial<ModelSummary>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ModelSummary.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ModelSummary>): ModelSummary {
    return decodeMessage(buf, ModelSummary.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ModelSummary>): Generator<ModelSummaryIdFieldEvent | ModelSummarySha256FieldEvent | ModelSummaryWorkersFieldEvent | ModelSummaryFreeSlotsFieldEvent | ModelSummaryMinPriceNanoPerTokenFieldEvent | ModelSummaryContextLengthFieldEvent> {
    return streamMessage(buf, ModelSummary.codec(), opts)
  }
}

export interface ModelsResponse {
  models: ModelSummary[]
}

export namespace ModelsResponse {
  let _codec: Codec<ModelsResponse>

  export const codec = (): Codec<ModelsResponse> => {
    if (_codec == null) {
      _codec = message<ModelsResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.models != null && obj.models.length > 0) {
          for (const value of obj.models) {
            w.uint32(10)
            ModelSummary.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          models: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.models != null && obj.models.length === opts.limits.models) {
                throw new MaxLengthError('Decode error - repeated field "models" had too many elements')
              }

              obj.models.push(ModelSummary.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.models$
              }))
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
          models: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.models != null && obj.models === opts.limits.models) {
                throw new MaxLengthError('Streaming decode error - repeated field "models" had too many elements')
              }

              for (const evt of ModelSummary.codec().stream(reader, reader.uint32(), `${prefix}.models[]`, {
                limits: opts.limits?.models$
              })) {
                yield {
                  ...evt,
                  index: obj.models
                }
              }

              obj.models++

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

  export interface ModelsResponseModelsIdFieldEvent {
    field: '$.models[].id'
    value: string
    index: number
  }

  export interface ModelsResponseModelsSha256FieldEvent {
    field: '$.models[].sha256'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ModelsResponseModelsWorkersFieldEvent {
    field: '$.models[].workers'
    value: number
    index: number
  }

  export interface ModelsResponseModelsFreeSlotsFieldEvent {
    field: '$.models[].freeSlots'
    value: number
    index: number
  }

  export interface ModelsResponseModelsMinPriceNanoPerTokenFieldEvent {
    field: '$.models[].minPriceNanoPerToken'
    value: bigint
    index: number
  }

  export interface ModelsResponseModelsContextLengthFieldEvent {
    field: '$.models[].contextLength'
    value: number
    index: number
  }

  export function encode (obj: Partial<ModelsResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ModelsResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ModelsResponse>): ModelsResponse {
    return decodeMessage(buf, ModelsResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ModelsResponse>): Generator<ModelsResponseModelsIdFieldEvent | ModelsResponseModelsSha256FieldEvent | ModelsResponseModelsWorkersFieldEvent | ModelsResponseModelsFreeSlotsFieldEvent | ModelsResponseModelsMinPriceNanoPerTokenFieldEvent | ModelsResponseModelsContextLengthFieldEvent> {
    return streamMessage(buf, ModelsResponse.codec(), opts)
  }
}

export interface ClientFrame {
  route?: RouteRequest
  job?: SealedJob
  cancel?: Cancel
  receipt?: Receipt
  models?: ModelsRequest
}

export namespace ClientFrame {
  let _codec: Codec<ClientFrame>

  export const codec = (): Codec<ClientFrame> => {
    if (_codec == null) {
      _codec = message<ClientFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.route != null) {
          w.uint32(10)
          RouteRequest.codec().encode(obj.route, w)
        }

        if (obj.job != null) {
          w.uint32(18)
          SealedJob.codec().encode(obj.job, w)
        }

        if (obj.cancel != null) {
          w.uint32(26)
          Cancel.codec().encode(obj.cancel, w)
        }

        if (obj.receipt != null) {
          w.uint32(34)
          Receipt.codec().encode(obj.receipt, w)
        }

        if (obj.models != null) {
          w.uint32(42)
          ModelsRequest.codec().encode(obj.models, w)
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
            case 1: {
              obj.route = RouteRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.route
              })
              break
            }
            case 2: {
              obj.job = SealedJob.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.job
              })
              break
            }
            case 3: {
              obj.cancel = Cancel.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.cancel
              })
              break
            }
            case 4: {
              obj.receipt = Receipt.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.receipt
              })
              break
            }
            case 5: {
              obj.models = ModelsRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.models
              })
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
              yield * RouteRequest.codec().stream(reader, reader.uint32(), `${prefix}.route`, {
                limits: opts.limits?.route
              })

              break
            }
            case 2: {
              yield * SealedJob.codec().stream(reader, reader.uint32(), `${prefix}.job`, {
                limits: opts.limits?.job
              })

              break
            }
            case 3: {
              yield * Cancel.codec().stream(reader, reader.uint32(), `${prefix}.cancel`, {
                limits: opts.limits?.cancel
              })

              break
            }
            case 4: {
              yield * Receipt.codec().stream(reader, reader.uint32(), `${prefix}.receipt`, {
                limits: opts.limits?.receipt
              })

              break
            }
            case 5: {
              yield * ModelsRequest.codec().stream(reader, reader.uint32(), `${prefix}.models`, {
                limits: opts.limits?.models
              })

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

  export interface ClientFrameRouteModelFieldEvent {
    field: '$.route.model'
    value: string
  }

  export interface ClientFrameRouteMaxTokensFieldEvent {
    field: '$.route.maxTokens'
    value: number
  }

  export interface ClientFrameRouteMaxPriceNanoPerTokenFieldEvent {
    field: '$.route.maxPriceNanoPerToken'
    value: bigint
  }

  export interface ClientFrameRoutePreferredWorkerFieldEvent {
    field: '$.route.preferredWorker'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameRouteSealedJobIdFieldEvent {
    field: '$.route.sealed.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameRouteSealedAttemptFieldEvent {
    field: '$.route.sealed.attempt'
    value: number
  }

  export interface ClientFrameRouteSealedEphemeralKeyFieldEvent {
    field: '$.route.sealed.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameRouteSealedCiphertextFieldEvent {
    field: '$.route.sealed.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameRouteSealedModelFieldEvent {
    field: '$.route.sealed.model'
    value: string
  }

  export interface ClientFrameRouteSealedMaxTokensFieldEvent {
    field: '$.route.sealed.maxTokens'
    value: number
  }

  export interface ClientFrameJobJobIdFieldEvent {
    field: '$.job.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameJobAttemptFieldEvent {
    field: '$.job.attempt'
    value: number
  }

  export interface ClientFrameJobEphemeralKeyFieldEvent {
    field: '$.job.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameJobCiphertextFieldEvent {
    field: '$.job.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameJobModelFieldEvent {
    field: '$.job.model'
    value: string
  }

  export interface ClientFrameJobMaxTokensFieldEvent {
    field: '$.job.maxTokens'
    value: number
  }

  export interface ClientFrameCancelReasonFieldEvent {
    field: '$.cancel.reason'
    value: string
  }

  export interface ClientFrameReceiptJobIdFieldEvent {
    field: '$.receipt.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameReceiptTokensFieldEvent {
    field: '$.receipt.tokens'
    value: bigint
  }

  export interface ClientFrameReceiptAmountNanoFieldEvent {
    field: '$.receipt.amountNano'
    value: bigint
  }

  export interface ClientFrameReceiptSeqFieldEvent {
    field: '$.receipt.seq'
    value: bigint
  }

  export interface ClientFrameReceiptSignatureFieldEvent {
    field: '$.receipt.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ClientFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ClientFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientFrame>): ClientFrame {
    return decodeMessage(buf, ClientFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientFrame>): Generator<ClientFrameRouteModelFieldEvent | ClientFrameRouteMaxTokensFieldEvent | ClientFrameRouteMaxPriceNanoPerTokenFieldEvent | ClientFrameRoutePreferredWorkerFieldEvent | ClientFrameRouteSealedJobIdFieldEvent | ClientFrameRouteSealedAttemptFieldEvent | ClientFrameRouteSealedEphemeralKeyFieldEvent | ClientFrameRouteSealedCiphertextFieldEvent | ClientFrameRouteSealedModelFieldEvent | ClientFrameRouteSealedMaxTokensFieldEvent | ClientFrameJobJobIdFieldEvent | ClientFrameJobAttemptFieldEvent | ClientFrameJobEphemeralKeyFieldEvent | ClientFrameJobCiphertextFieldEvent | ClientFrameJobModelFieldEvent | ClientFrameJobMaxTokensFieldEvent | ClientFrameCancelReasonFieldEvent | ClientFrameReceiptJobIdFieldEvent | ClientFrameReceiptTokensFieldEvent | ClientFrameReceiptAmountNanoFieldEvent | ClientFrameReceiptSeqFieldEvent | ClientFrameReceiptSignatureFieldEvent> {
    return streamMessage(buf, ClientFrame.codec(), opts)
  }
}

export interface ProxyFrame {
  offer?: RouteOffer
  chunk?: SealedChunk
  final?: Final
  error?: JobError
  models?: ModelsResponse
  accepted?: Accepted
}

export namespace ProxyFrame {
  let _codec: Codec<ProxyFrame>

  export const codec = (): Codec<ProxyFrame> => {
    if (_codec == null) {
      _codec = message<ProxyFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.offer != null) {
          w.uint32(10)
          RouteOffer.codec().encode(obj.offer, w)
        }

        if (obj.chunk != null) {
          w.uint32(18)
          SealedChunk.codec().encode(obj.chunk, w)
        }

        if (obj.final != null) {
          w.uint32(26)
          Final.codec().encode(obj.final, w)
        }

        if (obj.error != null) {
          w.uint32(34)
          JobError.codec().encode(obj.error, w)
        }

        if (obj.models != null) {
          w.uint32(42)
          ModelsResponse.codec().encode(obj.models, w)
        }

        if (obj.accepted != null) {
          w.uint32(50)
          Accepted.codec().encode(obj.accepted, w)
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
            case 1: {
              obj.offer = RouteOffer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.offer
              })
              break
            }
            case 2: {
              obj.chunk = SealedChunk.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.chunk
              })
              break
            }
            case 3: {
              obj.final = Final.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.final
              })
              break
            }
            case 4: {
              obj.error = JobError.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.error
              })
              break
            }
            case 5: {
              obj.models = ModelsResponse.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.models
              })
              break
            }
            case 6: {
              obj.accepted = Accepted.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.accepted
              })
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
              yield * RouteOffer.codec().stream(reader, reader.uint32(), `${prefix}.offer`, {
                limits: opts.limits?.offer
              })

              break
            }
            case 2: {
              yield * SealedChunk.codec().stream(reader, reader.uint32(), `${prefix}.chunk`, {
                limits: opts.limits?.chunk
              })

              break
            }
            case 3: {
              yield * Final.codec().stream(reader, reader.uint32(), `${prefix}.final`, {
                limits: opts.limits?.final
              })

              break
            }
            case 4: {
              yield * JobError.codec().stream(reader, reader.uint32(), `${prefix}.error`, {
                limits: opts.limits?.error
              })

              break
            }
            case 5: {
              yield * ModelsResponse.codec().stream(reader, reader.uint32(), `${prefix}.models`, {
                limits: opts.limits?.models
              })

              break
            }
            case 6: {
              yield * Accepted.codec().stream(reader, reader.uint32(), `${prefix}.accepted`, {
                limits: opts.limits?.accepted
              })

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

  export interface ProxyFrameOfferJobIdFieldEvent {
    field: '$.offer.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProxyFrameOfferAttemptFieldEvent {
    field: '$.offer.attempt'
    value: number
  }

  export interface ProxyFrameOfferWorkerPeerIdFieldEvent {
    field: '$.offer.workerPeerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProxyFrameOfferCertificateFieldEvent {
    field: '$.offer.certificate'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProxyFrameOfferCollateralFieldEvent {
    field: '$.offer.collateral'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProxyFrameOfferPriceNanoPerTokenFieldEvent {
    field: '$.offer.priceNanoPerToken'
    value: bigint
  }

  export interface ProxyFrameChunkSeqFieldEvent {
    field: '$.chunk.seq'
    value: bigint
  }

  export interface ProxyFrameChunkCiphertextFieldEvent {
    field: '$.chunk.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProxyFrameChunkFinalFieldEvent {
    field: '$.chunk.final'
    value: boolean
  }

  export interface ProxyFrameFinalUsagePromptTokensFieldEvent {
    field: '$.final.usage.promptTokens'
    value: number
  }

  export interface ProxyFrameFinalUsageCompletionTokensFieldEvent {
    field: '$.final.usage.completionTokens'
    value: number
  }

  export interface ProxyFrameFinalOutputHashFieldEvent {
    field: '$.final.outputHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProxyFrameFinalWorkerSignatureFieldEvent {
    field: '$.final.workerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProxyFrameErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface ProxyFrameErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface ProxyFrameModelsModelsIdFieldEvent {
    field: '$.models.models[].id'
    value: string
    index: number
  }

  export interface ProxyFrameModelsModelsSha256FieldEvent {
    field: '$.models.models[].sha256'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ProxyFrameModelsModelsWorkersFieldEvent {
    field: '$.models.models[].workers'
    value: number
    index: number
  }

  export interface ProxyFrameModelsModelsFreeSlotsFieldEvent {
    field: '$.models.models[].freeSlots'
    value: number
    index: number
  }

  export interface ProxyFrameModelsModelsMinPriceNanoPerTokenFieldEvent {
    field: '$.models.models[].minPriceNanoPerToken'
    value: bigint
    index: number
  }

  export interface ProxyFrameModelsModelsContextLengthFieldEvent {
    field: '$.models.models[].contextLength'
    value: number
    index: number
  }

  export interface ProxyFrameAcceptedPriceNanoPerTokenFieldEvent {
    field: '$.accepted.priceNanoPerToken'
    value: bigint
  }

  export function encode (obj: Partial<ProxyFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProxyFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProxyFrame>): ProxyFrame {
    return decodeMessage(buf, ProxyFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProxyFrame>): Generator<ProxyFrameOfferJobIdFieldEvent | ProxyFrameOfferAttemptFieldEvent | ProxyFrameOfferWorkerPeerIdFieldEvent | ProxyFrameOfferCertificateFieldEvent | ProxyFrameOfferCollateralFieldEvent | ProxyFrameOfferPriceNanoPerTokenFieldEvent | ProxyFrameChunkSeqFieldEvent | ProxyFrameChunkCiphertextFieldEvent | ProxyFrameChunkFinalFieldEvent | ProxyFrameFinalUsagePromptTokensFieldEvent | ProxyFrameFinalUsageCompletionTokensFieldEvent | ProxyFrameFinalOutputHashFieldEvent | ProxyFrameFinalWorkerSignatureFieldEvent | ProxyFrameErrorCodeFieldEvent | ProxyFrameErrorMessageFieldEvent | ProxyFrameModelsModelsIdFieldEvent | ProxyFrameModelsModelsSha256FieldEvent | ProxyFrameModelsModelsWorkersFieldEvent | ProxyFrameModelsModelsFreeSlotsFieldEvent | ProxyFrameModelsModelsMinPriceNanoPerTokenFieldEvent | ProxyFrameModelsModelsContextLengthFieldEvent | ProxyFrameAcceptedPriceNanoPerTokenFieldEvent> {
    return streamMessage(buf, ProxyFrame.codec(), opts)
  }
}

export interface WorkRequest {
  job?: SealedJob
  cancel?: Cancel
  receipt?: Receipt
}

export namespace WorkRequest {
  let _codec: Codec<WorkRequest>

  export const codec = (): Codec<WorkRequest> => {
    if (_codec == null) {
      _codec = message<WorkRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.job != null) {
          w.uint32(10)
          SealedJob.codec().encode(obj.job, w)
        }

        if (obj.cancel != null) {
          w.uint32(18)
          Cancel.codec().encode(obj.cancel, w)
        }

        if (obj.receipt != null) {
          w.uint32(26)
          Receipt.codec().encode(obj.receipt, w)
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
            case 1: {
              obj.job = SealedJob.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.job
              })
              break
            }
            case 2: {
              obj.cancel = Cancel.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.cancel
              })
              break
            }
            case 3: {
              obj.receipt = Receipt.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.receipt
              })
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
              yield * SealedJob.codec().stream(reader, reader.uint32(), `${prefix}.job`, {
                limits: opts.limits?.job
              })

              break
            }
            case 2: {
              yield * Cancel.codec().stream(reader, reader.uint32(), `${prefix}.cancel`, {
                limits: opts.limits?.cancel
              })

              break
            }
            case 3: {
              yield * Receipt.codec().stream(reader, reader.uint32(), `${prefix}.receipt`, {
                limits: opts.limits?.receipt
              })

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

  export interface WorkRequestJobJobIdFieldEvent {
    field: '$.job.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface WorkRequestJobAttemptFieldEvent {
    field: '$.job.attempt'
    value: number
  }

  export interface WorkRequestJobEphemeralKeyFieldEvent {
    field: '$.job.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface WorkRequestJobCiphertextFieldEvent {
    field: '$.job.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface WorkRequestJobModelFieldEvent {
    field: '$.job.model'
    value: string
  }

  export interface WorkRequestJobMaxTokensFieldEvent {
    field: '$.job.maxTokens'
    value: number
  }

  export interface WorkRequestCancelReasonFieldEvent {
    field: '$.cancel.reason'
    value: string
  }

  export interface WorkRequestReceiptJobIdFieldEvent {
    field: '$.receipt.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface WorkRequestReceiptTokensFieldEvent {
    field: '$.receipt.tokens'
    value: bigint
  }

  export interface WorkRequestReceiptAmountNanoFieldEvent {
    field: '$.receipt.amountNano'
    value: bigint
  }

  export interface WorkRequestReceiptSeqFieldEvent {
    field: '$.receipt.seq'
    value: bigint
  }

  export interface WorkRequestReceiptSignatureFieldEvent {
    field: '$.receipt.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<WorkRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, WorkRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WorkRequest>): WorkRequest {
    return decodeMessage(buf, WorkRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WorkRequest>): Generator<WorkRequestJobJobIdFieldEvent | WorkRequestJobAttemptFieldEvent | WorkRequestJobEphemeralKeyFieldEvent | WorkRequestJobCiphertextFieldEvent | WorkRequestJobModelFieldEvent | WorkRequestJobMaxTokensFieldEvent | WorkRequestCancelReasonFieldEvent | WorkRequestReceiptJobIdFieldEvent | WorkRequestReceiptTokensFieldEvent | WorkRequestReceiptAmountNanoFieldEvent | WorkRequestReceiptSeqFieldEvent | WorkRequestReceiptSignatureFieldEvent> {
    return streamMessage(buf, WorkRequest.codec(), opts)
  }
}

export interface WorkFrame {
  chunk?: SealedChunk
  final?: Final
  error?: JobError
}

export namespace WorkFrame {
  let _codec: Codec<WorkFrame>

  export const codec = (): Codec<WorkFrame> => {
    if (_codec == null) {
      _codec = message<WorkFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.chunk != null) {
          w.uint32(10)
          SealedChunk.codec().encode(obj.chunk, w)
        }

        if (obj.final != null) {
          w.uint32(18)
          Final.codec().encode(obj.final, w)
        }

        if (obj.error != null) {
          w.uint32(26)
          JobError.codec().encode(obj.error, w)
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
            case 1: {
              obj.chunk = SealedChunk.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.chunk
              })
              break
            }
            case 2: {
              obj.final = Final.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.final
              })
              break
            }
            case 3: {
              obj.error = JobError.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.error
              })
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
              yield * SealedChunk.codec().stream(reader, reader.uint32(), `${prefix}.chunk`, {
                limits: opts.limits?.chunk
              })

              break
            }
            case 2: {
              yield * Final.codec().stream(reader, reader.uint32(), `${prefix}.final`, {
                limits: opts.limits?.final
              })

              break
            }
            case 3: {
              yield * JobError.codec().stream(reader, reader.uint32(), `${prefix}.error`, {
                limits: opts.limits?.error
              })

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

  export interface WorkFrameChunkSeqFieldEvent {
    field: '$.chunk.seq'
    value: bigint
  }

  export interface WorkFrameChunkCiphertextFieldEvent {
    field: '$.chunk.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface WorkFrameChunkFinalFieldEvent {
    field: '$.chunk.final'
    value: boolean
  }

  export interface WorkFrameFinalUsagePromptTokensFieldEvent {
    field: '$.final.usage.promptTokens'
    value: number
  }

  export interface WorkFrameFinalUsageCompletionTokensFieldEvent {
    field: '$.final.usage.completionTokens'
    value: number
  }

  export interface WorkFrameFinalOutputHashFieldEvent {
    field: '$.final.outputHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface WorkFrameFinalWorkerSignatureFieldEvent {
    field: '$.final.workerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface WorkFrameErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface WorkFrameErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export function encode (obj: Partial<WorkFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, WorkFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WorkFrame>): WorkFrame {
    return decodeMessage(buf, WorkFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WorkFrame>): Generator<WorkFrameChunkSeqFieldEvent | WorkFrameChunkCiphertextFieldEvent | WorkFrameChunkFinalFieldEvent | WorkFrameFinalUsagePromptTokensFieldEvent | WorkFrameFinalUsageCompletionTokensFieldEvent | WorkFrameFinalOutputHashFieldEvent | WorkFrameFinalWorkerSignatureFieldEvent | WorkFrameErrorCodeFieldEvent | WorkFrameErrorMessageFieldEvent> {
    return streamMessage(buf, WorkFrame.codec(), opts)
  }
}

export interface ChatMessage {
  role: string
  content: string
}

export namespace ChatMessage {
  let _codec: Codec<ChatMessage>

  export const codec = (): Codec<ChatMessage> => {
    if (_codec == null) {
      _codec = message<ChatMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.role != null && obj.role !== '')) {
          w.uint32(10)
          w.string(obj.role)
        }

        if ((obj.content != null && obj.content !== '')) {
          w.uint32(18)
          w.string(obj.content)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          role: '',
          content: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.role = reader.string()
              break
            }
            case 2: {
              obj.content = reader.string()
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
                field: `${prefix}.role`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.content`,
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

  export interface ChatMessageRoleFieldEvent {
    field: '$.role'
    value: string
  }

  export interface ChatMessageContentFieldEvent {
    field: '$.content'
    value: string
  }

  export function encode (obj: Partial<ChatMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ChatMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChatMessage>): ChatMessage {
    return decodeMessage(buf, ChatMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChatMessage>): Generator<ChatMessageRoleFieldEvent | ChatMessageContentFieldEvent> {
    return streamMessage(buf, ChatMessage.codec(), opts)
  }
}

export interface JobPayload {
  model: string
  messages: ChatMessage[]
  prompt?: string
  maxTokens: number
  temperature?: number
  topP?: number
  seed: number
  stop: string[]
  next?: NextSeal
}

export namespace JobPayload {
  let _codec: Codec<JobPayload>

  export const codec = (): Codec<JobPayload> => {
    if (_codec == null) {
      _codec = message<JobPayload>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.model != null && obj.model !== '')) {
          w.uint32(10)
          w.string(obj.model)
        }

        if (obj.messages != null && obj.messages.length > 0) {
          for (const value of obj.messages) {
            w.uint32(18)
            ChatMessage.codec().encode(value, w)
          }
        }

        if (obj.prompt != null) {
          w.uint32(26)
          w.string(obj.prompt)
        }

        if ((obj.maxTokens != null && obj.maxTokens !== 0)) {
          w.uint32(32)
          w.uint32(obj.maxTokens)
        }

        if (obj.temperature != null) {
          w.uint32(45)
          w.float(obj.temperature)
        }

        if (obj.topP != null) {
          w.uint32(53)
          w.float(obj.topP)
        }

        if ((obj.seed != null && obj.seed !== 0)) {
          w.uint32(56)
          w.uint32(obj.seed)
        }

        if (obj.stop != null && obj.stop.length > 0) {
          for (const value of obj.stop) {
            w.uint32(66)
            w.string(value)
          }
        }

        if (obj.next != null) {
          w.uint32(74)
          NextSeal.codec().encode(obj.next, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          model: '',
          messages: [],
          maxTokens: 0,
          seed: 0,
          stop: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.model = reader.string()
              break
            }
            case 2: {
              if (opts.limits?.messages != null && obj.messages.length === opts.limits.messages) {
                throw new MaxLengthError('Decode error - repeated field "messages" had too many elements')
              }

              obj.messages.push(ChatMessage.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.messages$
              }))
              break
            }
            case 3: {
              obj.prompt = reader.string()
              break
            }
            case 4: {
              obj.maxTokens = reader.uint32()
              break
            }
            case 5: {
              obj.temperature = reader.float()
              break
            }
            case 6: {
              obj.topP = reader.float()
              break
            }
            case 7: {
              obj.seed = reader.uint32()
              break
            }
            case 8: {
              if (opts.limits?.stop != null && obj.stop.length === opts.limits.stop) {
                throw new MaxLengthError('Decode error - repeated field "stop" had too many elements')
              }

              obj.stop.push(reader.string())
              break
            }
            case 9: {
              obj.next = NextSeal.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.next
              })
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
          messages: 0,
          stop: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.model`,
                value: reader.string()
              }
              break
            }
            case 2: {
              if (opts.limits?.messages != null && obj.messages === opts.limits.messages) {
                throw new MaxLengthError('Streaming decode error - repeated field "messages" had too many elements')
              }

              for (const evt of ChatMessage.codec().stream(reader, reader.uint32(), `${prefix}.messages[]`, {
                limits: opts.limits?.messages$
              })) {
                yield {
                  ...evt,
                  index: obj.messages
                }
              }

              obj.messages++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.prompt`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.maxTokens`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.temperature`,
                value: reader.float()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.topP`,
                value: reader.float()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.seed`,
                value: reader.uint32()
              }
              break
            }
            case 8: {
              if (opts.limits?.stop != null && obj.stop === opts.limits.stop) {
                throw new MaxLengthError('Streaming decode error - repeated field "stop" had too many elements')
              }

              yield {
                field: `${prefix}.stop[]`,
                index: obj.stop,
                value: reader.string()
              }

              obj.stop++

              break
            }
            case 9: {
              yield * NextSeal.codec().stream(reader, reader.uint32(), `${prefix}.next`, {
                limits: opts.limits?.next
              })

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

  export interface JobPayloadModelFieldEvent {
    field: '$.model'
    value: string
  }

  export interface JobPayloadMessagesRoleFieldEvent {
    field: '$.messages[].role'
    value: string
    index: number
  }

  export interface JobPayloadMessagesContentFieldEvent {
    field: '$.messages[].content'
    value: string
    index: number
  }

  export interface JobPayloadPromptFieldEvent {
    field: '$.prompt'
    value: string
  }

  export interface JobPayloadMaxTokensFieldEvent {
    field: '$.maxTokens'
    value: number
  }

  export interface JobPayloadTemperatureFieldEvent {
    field: '$.temperature'
    value: number
  }

  export interface JobPayloadTopPFieldEvent {
    field: '$.topP'
    value: number
  }

  export interface JobPayloadSeedFieldEvent {
    field: '$.seed'
    value: number
  }

  export interface JobPayloadStopFieldEvent {
    field: '$.stop[]'
    index: number
    value: string
  }

  export interface JobPayloadNextEphemeralKeyFieldEvent {
    field: '$.next.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JobPayloadNextJobIdFieldEvent {
    field: '$.next.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<JobPayload>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JobPayload.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobPayload>): JobPayload {
    return decodeMessage(buf, JobPayload.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobPayload>): Generator<JobPayloadModelFieldEvent | JobPayloadMessagesRoleFieldEvent | JobPayloadMessagesContentFieldEvent | JobPayloadPromptFieldEvent | JobPayloadMaxTokensFieldEvent | JobPayloadTemperatureFieldEvent | JobPayloadTopPFieldEvent | JobPayloadSeedFieldEvent | JobPayloadStopFieldEvent | JobPayloadNextEphemeralKeyFieldEvent | JobPayloadNextJobIdFieldEvent> {
    return streamMessage(buf, JobPayload.codec(), opts)
  }
}

export interface NextSeal {
  ephemeralKey: Uint8Array<ArrayBuffer>
  jobId: Uint8Array<ArrayBuffer>
}

export namespace NextSeal {
  let _codec: Codec<NextSeal>

  export const codec = (): Codec<NextSeal> => {
    if (_codec == null) {
      _codec = message<NextSeal>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.ephemeralKey != null && obj.ephemeralKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.ephemeralKey)
        }

        if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.jobId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ephemeralKey: uint8ArrayAlloc(0),
          jobId: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ephemeralKey = reader.bytes()
              break
            }
            case 2: {
              obj.jobId = reader.bytes()
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
                field: `${prefix}.ephemeralKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.jobId`,
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

  export interface NextSealEphemeralKeyFieldEvent {
    field: '$.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface NextSealJobIdFieldEvent {
    field: '$.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<NextSeal>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, NextSeal.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NextSeal>): NextSeal {
    return decodeMessage(buf, NextSeal.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NextSeal>): Generator<NextSealEphemeralKeyFieldEvent | NextSealJobIdFieldEvent> {
    return streamMessage(buf, NextSeal.codec(), opts)
  }
}

export interface ChunkPayload {
  text: string
  finishReason: string
  usage?: Usage
}

export namespace ChunkPayload {
  let _codec: Codec<ChunkPayload>

  export const codec = (): Codec<ChunkPayload> => {
    if (_codec == null) {
      _codec = message<ChunkPayload>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(10)
          w.string(obj.text)
        }

        if ((obj.finishReason != null && obj.finishReason !== '')) {
          w.uint32(18)
          w.string(obj.finishReason)
        }

        if (obj.usage != null) {
          w.uint32(26)
          Usage.codec().encode(obj.usage, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          text: '',
          finishReason: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.text = reader.string()
              break
            }
            case 2: {
              obj.finishReason = reader.string()
              break
            }
            case 3: {
              obj.usage = Usage.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.usage
              })
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
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.finishReason`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield * Usage.codec().stream(reader, reader.uint32(), `${prefix}.usage`, {
                limits: opts.limits?.usage
              })

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

  export interface ChunkPayloadTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface ChunkPayloadFinishReasonFieldEvent {
    field: '$.finishReason'
    value: string
  }

  export interface ChunkPayloadUsagePromptTokensFieldEvent {
    field: '$.usage.promptTokens'
    value: number
  }

  export interface ChunkPayloadUsageCompletionTokensFieldEvent {
    field: '$.usage.completionTokens'
    value: number
  }

  export function encode (obj: Partial<ChunkPayload>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ChunkPayload.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChunkPayload>): ChunkPayload {
    return decodeMessage(buf, ChunkPayload.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChunkPayload>): Generator<ChunkPayloadTextFieldEvent | ChunkPayloadFinishReasonFieldEvent | ChunkPayloadUsagePromptTokensFieldEvent | ChunkPayloadUsageCompletionTokensFieldEvent> {
    return streamMessage(buf, ChunkPayload.codec(), opts)
  }
}
