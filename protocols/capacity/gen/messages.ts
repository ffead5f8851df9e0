import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface ModelOffer {
  id: string
  sha256: Uint8Array<ArrayBuffer>
  contextLength: number
  priceNanoPerToken: bigint
}

export namespace ModelOffer {
  let _codec: Codec<ModelOffer>

  export const codec = (): Codec<ModelOffer> => {
    if (_codec == null) {
      _codec = message<ModelOffer>((obj, w, opts = {}) => {
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

        if ((obj.contextLength != null && obj.contextLength !== 0)) {
          w.uint32(24)
          w.uint32(obj.contextLength)
        }

        if ((obj.priceNanoPerToken != null && obj.priceNanoPerToken !== 0n)) {
          w.uint32(32)
          w.uint64(obj.priceNanoPerToken)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          sha256: uint8ArrayAlloc(0),
          contextLength: 0,
          priceNanoPerToken: 0n
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
              obj.contextLength = reader.uint32()
              break
            }
            case 4: {
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
                field: `${prefix}.contextLength`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
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

  export interface ModelOfferIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface ModelOfferSha256FieldEvent {
    field: '$.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ModelOfferContextLengthFieldEvent {
    field: '$.contextLength'
    value: number
  }

  export interface ModelOfferPriceNanoPerTokenFieldEvent {
    field: '$.priceNanoPerToken'
    value: bigint
  }

  export function encode (obj: Partial<ModelOffer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ModelOffer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ModelOffer>): ModelOffer {
    return decodeMessage(buf, ModelOffer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ModelOffer>): Generator<ModelOfferIdFieldEvent | ModelOfferSha256FieldEvent | ModelOfferContextLengthFieldEvent | ModelOfferPriceNanoPerTokenFieldEvent> {
    return streamMessage(buf, ModelOffer.codec(), opts)
  }
}

export interface CapacityAnnouncement {
  peerId: Uint8Array<ArrayBuffer>
  models: ModelOffer[]
  slots: number
  freeSlots: number
  queue: number
  tokensPerSecond: number
  firstTokenMs: number
  gpu: string
  gpuMemoryBytes: bigint
  certHash: Uint8Array<ArrayBuffer>
  seq: bigint
  ts: bigint
}

export namespace CapacityAnnouncement {
  let _codec: Codec<CapacityAnnouncement>

  export const codec = (): Codec<CapacityAnnouncement> => {
    if (_codec == null) {
      _codec = message<CapacityAnnouncement>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.peerId)
        }

        if (obj.models != null && obj.models.length > 0) {
          for (const value of obj.models) {
            w.uint32(18)
            ModelOffer.codec().encode(value, w)
          }
        }

        if ((obj.slots != null && obj.slots !== 0)) {
          w.uint32(24)
          w.uint32(obj.slots)
        }

        if ((obj.freeSlots != null && obj.freeSlots !== 0)) {
          w.uint32(32)
          w.uint32(obj.freeSlots)
        }

        if ((obj.queue != null && obj.queue !== 0)) {
          w.uint32(40)
          w.uint32(obj.queue)
        }

        if ((obj.tokensPerSecond != null && obj.tokensPerSecond !== 0)) {
          w.uint32(49)
          w.double(obj.tokensPerSecond)
        }

        if ((obj.firstTokenMs != null && obj.firstTokenMs !== 0)) {
          w.uint32(57)
          w.double(obj.firstTokenMs)
        }

        if ((obj.gpu != null && obj.gpu !== '')) {
          w.uint32(66)
          w.string(obj.gpu)
        }

        if ((obj.gpuMemoryBytes != null && obj.gpuMemoryBytes !== 0n)) {
          w.uint32(72)
          w.uint64(obj.gpuMemoryBytes)
        }

        if ((obj.certHash != null && obj.certHash.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.certHash)
        }

        if ((obj.seq != null && obj.seq !== 0n)) {
          w.uint32(88)
          w.uint64(obj.seq)
        }

        if ((obj.ts != null && obj.ts !== 0n)) {
          w.uint32(96)
          w.uint64(obj.ts)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: uint8ArrayAlloc(0),
          models: [],
          slots: 0,
          freeSlots: 0,
          queue: 0,
          tokensPerSecond: 0,
          firstTokenMs: 0,
          gpu: '',
          gpuMemoryBytes: 0n,
          certHash: uint8ArrayAlloc(0),
          seq: 0n,
          ts: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.bytes()
              break
            }
            case 2: {
              if (opts.limits?.models != null && obj.models.length === opts.limits.models) {
                throw new MaxLengthError('Decode error - repeated field "models" had too many elements')
              }

              obj.models.push(ModelOffer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.models$
              }))
              break
            }
            case 3: {
              obj.slots = reader.uint32()
              break
            }
            case 4: {
              obj.freeSlots = reader.uint32()
              break
            }
            case 5: {
              obj.queue = reader.uint32()
              break
            }
            case 6: {
              obj.tokensPerSecond = reader.double()
              break
            }
            case 7: {
              obj.firstTokenMs = reader.double()
              break
            }
            case 8: {
              obj.gpu = reader.string()
              break
            }
            case 9: {
              obj.gpuMemoryBytes = reader.uint64()
              break
            }
            case 10: {
              obj.certHash = reader.bytes()
              break
            }
            case 11: {
              obj.seq = reader.uint64()
              break
            }
            case 12: {
              obj.ts = reader.uint64()
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
              yield {
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              if (opts.limits?.models != null && obj.models === opts.limits.models) {
                throw new MaxLengthError('Streaming decode error - repeated field "models" had too many elements')
              }

              for (const evt of ModelOffer.codec().stream(reader, reader.uint32(), `${prefix}.models[]`, {
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
            case 3: {
              yield {
                field: `${prefix}.slots`,
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
                field: `${prefix}.queue`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.tokensPerSecond`,
                value: reader.double()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.firstTokenMs`,
                value: reader.double()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.gpu`,
                value: reader.string()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.gpuMemoryBytes`,
                value: reader.uint64()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.certHash`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.ts`,
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

  export interface CapacityAnnouncementPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CapacityAnnouncementModelsIdFieldEvent {
    field: '$.models[].id'
    value: string
    index: number
  }

  export interface CapacityAnnouncementModelsSha256FieldEvent {
    field: '$.models[].sha256'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface CapacityAnnouncementModelsContextLengthFieldEvent {
    field: '$.models[].contextLength'
    value: number
    index: number
  }

  export interface CapacityAnnouncementModelsPriceNanoPerTokenFieldEvent {
    field: '$.models[].priceNanoPerToken'
    value: bigint
    index: number
  }

  export interface CapacityAnnouncementSlotsFieldEvent {
    field: '$.slots'
    value: number
  }

  export interface CapacityAnnouncementFreeSlotsFieldEvent {
    field: '$.freeSlots'
    value: number
  }

  export interface CapacityAnnouncementQueueFieldEvent {
    field: '$.queue'
    value: number
  }

  export interface CapacityAnnouncementTokensPerSecondFieldEvent {
    field: '$.tokensPerSecond'
    value: number
  }

  export interface CapacityAnnouncementFirstTokenMsFieldEvent {
    field: '$.firstTokenMs'
    value: number
  }

  export interface CapacityAnnouncementGpuFieldEvent {
    field: '$.gpu'
    value: string
  }

  export interface CapacityAnnouncementGpuMemoryBytesFieldEvent {
    field: '$.gpuMemoryBytes'
    value: bigint
  }

  export interface CapacityAnnouncementCertHashFieldEvent {
    field: '$.certHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CapacityAnnouncementSeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export interface CapacityAnnouncementTsFieldEvent {
    field: '$.ts'
    value: bigint
  }

  export function encode (obj: Partial<CapacityAnnouncement>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CapacityAnnouncement.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CapacityAnnouncement>): CapacityAnnouncement {
    return decodeMessage(buf, CapacityAnnouncement.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CapacityAnnouncement>): Generator<CapacityAnnouncementPeerIdFieldEvent | CapacityAnnouncementModelsIdFieldEvent | CapacityAnnouncementModelsSha256FieldEvent | CapacityAnnouncementModelsContextLengthFieldEvent | CapacityAnnouncementModelsPriceNanoPerTokenFieldEvent | CapacityAnnouncementSlotsFieldEvent | CapacityAnnouncementFreeSlotsFieldEvent | CapacityAnnouncementQueueFieldEvent | CapacityAnnouncementTokensPerSecondFieldEvent | CapacityAnnouncementFirstTokenMsFieldEvent | CapacityAnnouncementGpuFieldEvent | CapacityAnnouncementGpuMemoryBytesFieldEvent | CapacityAnnouncementCertHashFieldEvent | CapacityAnnouncementSeqFieldEvent | CapacityAnnouncementTsFieldEvent> {
    return streamMessage(buf, CapacityAnnouncement.codec(), opts)
  }
}
