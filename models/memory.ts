/** Decides whether a model fits in free memory before llama.cpp is asked to load it. Pure. */

export interface MemoryNeed { ramBytes: number, vramBytes: number }
export interface MemoryFree { ramBytes: number, vramBytes: number }

export interface MemoryShortfall { where: 'ram' | 'vram', neededBytes: number, freeBytes: number }

/** Returns the first shortfall (VRAM first, it is the scarcer), or undefined when both fit with headroom. */
export function findMemoryShortfall (need: MemoryNeed, free: MemoryFree, headroomBytes: number): MemoryShortfall | undefined {
  if (need.vramBytes > 0 && need.vramBytes + headroomBytes > free.vramBytes) {
    return { where: 'vram', neededBytes: need.vramBytes, freeBytes: free.vramBytes }
  }
  if (need.ramBytes + headroomBytes > free.ramBytes) {
    return { where: 'ram', neededBytes: need.ramBytes, freeBytes: free.ramBytes }
  }
  return undefined
}
