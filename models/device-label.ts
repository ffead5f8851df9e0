/**
 * One name for the device a worker computes on, used alike in its attestation certificate and in
 * its capacity announcements, so the two never disagree: the GPU's name, the backend (`cuda`,
 * `vulkan`, `metal`) when llama.cpp reports no name, or `cpu`.
 */
import type { DeviceInfo } from './engine.js'

/**
 * Longest label: capacity announcements refuse a gpu field over 128 characters (certificates allow
 * 256), and a many-GPU machine's names joined could pass that.
 */
export const MAX_DEVICE_LABEL_LENGTH = 128

export function deviceLabel (device: DeviceInfo): string {
  if (device.kind === 'cpu') return 'cpu'
  const name = device.gpuName?.trim() ?? ''
  return (name !== '' ? name : device.kind).slice(0, MAX_DEVICE_LABEL_LENGTH)
}

/** GPU names as one string, identical ones counted: ['H100', 'H100', 'L4'] -> '2 x H100, L4'. */
export function joinGpuNames (names: readonly string[]): string | undefined {
  const counts = new Map<string, number>()
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1)
  const joined = [...counts].map(([n, c]) => c > 1 ? `${c} x ${n}` : n).join(', ')
  return joined !== '' ? joined : undefined
}

/** GPU memory to announce: the device's total VRAM, 0 on a CPU. */
export function deviceMemoryBytes (device: DeviceInfo): bigint {
  return device.kind === 'cpu' ? 0n : BigInt(device.vramBytes ?? 0)
}
