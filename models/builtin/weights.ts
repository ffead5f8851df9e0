/**
 * Deterministic pseudo-random weights. Only integer arithmetic and exact float operations are
 * used (no Math.sin/exp/log, whose last bits may differ between engines), so the same seed
 * gives bit-identical tensors on every machine and the built-in model's sha256 is stable.
 */

/** splitmix32: a small, well-mixed 32-bit generator. */
export function splitmix32 (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x9e3779b9) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

/** A seed per tensor name, so adding a tensor never shifts the values of the others. */
export function tensorSeed (modelSeed: number, name: string): number {
  let h = (modelSeed ^ 0x811c9dc5) >>> 0 // FNV-1a over the name, started from the model seed
  for (let i = 0; i < name.length; i++) {
    h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0
  }
  return h
}

/**
 * Approximately normal values (Irwin-Hall: sum of four uniforms, centred, variance 1/3 -> scaled
 * to 1) times `std`. Each uniform is a 24-bit integer / 2^24, exact in float64.
 */
export function normalTensor (count: number, seed: number, std: number): Float32Array {
  const next = splitmix32(seed)
  const out = new Float32Array(count)
  const scale = std * Math.sqrt(3) // exact enough: computed once, identical everywhere (IEEE sqrt is exact-rounded)
  for (let i = 0; i < count; i++) {
    let sum = 0
    for (let k = 0; k < 4; k++) sum += (next() >>> 8) / 16777216
    out[i] = (sum - 2) * scale
  }
  return out
}

export function constantTensor (count: number, value: number): Float32Array {
  return new Float32Array(count).fill(value)
}
