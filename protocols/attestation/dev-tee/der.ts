/**
 * The handful of DER encodings the Intel SGX PCK extension needs. Small on purpose: definite lengths,
 * non-negative integers, dotted OIDs.
 */

function encodeLength (length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length)
  const bytes: number[] = []
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff)
  return Uint8Array.of(0x80 | bytes.length, ...bytes)
}

function tlv (tag: number, content: Uint8Array): Uint8Array {
  const length = encodeLength(content.length)
  const out = new Uint8Array(1 + length.length + content.length)
  out[0] = tag
  out.set(length, 1)
  out.set(content, 1 + length.length)
  return out
}

function concat (parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

export function derSequence (...items: Uint8Array[]): Uint8Array {
  return tlv(0x30, concat(items))
}

export function derOctetString (bytes: Uint8Array): Uint8Array {
  return tlv(0x04, bytes)
}

/** Non-negative integer, minimal two's-complement form (a leading 0x00 when the top bit is set). */
export function derInteger (value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`DER integer must be a non-negative safe integer, got ${value}`)
  const bytes: number[] = []
  for (let n = value; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff)
  if (bytes.length === 0 || (bytes[0] & 0x80) !== 0) bytes.unshift(0)
  return tlv(0x02, Uint8Array.from(bytes))
}

export function derEnumerated (value: number): Uint8Array {
  const integer = derInteger(value)
  integer[0] = 0x0a
  return integer
}

export function derOid (dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number)
  if (arcs.length < 2 || arcs.some(a => !Number.isSafeInteger(a) || a < 0)) throw new RangeError(`bad OID ${dotted}`)
  const bytes: number[] = [arcs[0] * 40 + arcs[1]]
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f]
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift(0x80 | (n & 0x7f))
    bytes.push(...chunk)
  }
  return tlv(0x06, Uint8Array.from(bytes))
}
