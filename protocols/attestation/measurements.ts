import { sha256, sha384 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'

/** Size of each TDX measurement register (SHA-384). */
export const MEASUREMENT_BYTES = 48

/** The TD measurements that make up an image hash: the build-time MRTD and the four runtime registers. */
export interface TdMeasurements {
  mrTd: Uint8Array
  rtmrs: readonly [Uint8Array, Uint8Array, Uint8Array, Uint8Array]
}

/**
 * The image hash the registry allow-lists: SHA-256(MRTD || RTMR0 || RTMR1 || RTMR2 || RTMR3).
 * MRCONFIGID/MROWNER/MROWNERCONFIG are left out: they are set by whoever launches the TD, not by the image.
 */
export function imageHashOf (m: TdMeasurements): Uint8Array {
  const registers = [m.mrTd, ...m.rtmrs]
  if (m.rtmrs.length !== 4 || registers.some(r => r.length !== MEASUREMENT_BYTES)) {
    throw new RangeError(`TD measurements must be MRTD and four RTMRs of ${MEASUREMENT_BYTES} bytes each`)
  }
  const joined = new Uint8Array(MEASUREMENT_BYTES * 5)
  registers.forEach((r, i) => joined.set(r, i * MEASUREMENT_BYTES))
  return sha256(joined)
}

function devRegister (label: string): Uint8Array {
  return sha384(utf8ToBytes(`cocoon-dev-image/${label}`))
}

/**
 * Measurements of the "dev image": what the dev TEE reports for every process on a machine without a TEE.
 * Fixed, so every dev node has the same image hash and a devnet registry can allow-list it once.
 */
export const DEV_IMAGE_MEASUREMENTS: TdMeasurements = Object.freeze({
  mrTd: devRegister('mrtd'),
  rtmrs: Object.freeze([devRegister('rtmr0'), devRegister('rtmr1'), devRegister('rtmr2'), devRegister('rtmr3')] as const)
})

/** Image hash of the dev image; the devnet registry allow-lists it. */
export const DEV_IMAGE_HASH: Uint8Array = imageHashOf(DEV_IMAGE_MEASUREMENTS)
