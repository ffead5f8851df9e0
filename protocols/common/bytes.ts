/**
 * protons types byte fields as `Uint8Array<ArrayBuffer>`, while @noble and libp2p return
 * `Uint8Array<ArrayBufferLike>`. Every buffer we make is backed by a plain ArrayBuffer (never a
 * SharedArrayBuffer), so narrowing the type is sound; this names that decision in one place.
 */
export function wireBytes (b: Uint8Array): Uint8Array<ArrayBuffer> {
  return b as Uint8Array<ArrayBuffer>
}
