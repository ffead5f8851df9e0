import { type CapacityEntry } from '../capacity/index.js'
import type { ModelSummary } from './gen/messages.js'

/** Folds the live capacity table into one line per model, for clients asking what the network serves. Pure. */
export function summariseModels (entries: CapacityEntry[]): ModelSummary[] {
  const byId = new Map<string, ModelSummary>()
  for (const e of entries) {
    for (const m of e.announcement.models) {
      const s = byId.get(m.id) ?? { id: m.id, sha256: m.sha256, workers: 0, freeSlots: 0, minPriceNanoPerToken: m.priceNanoPerToken, contextLength: m.contextLength }
      s.workers++
      s.freeSlots += e.announcement.freeSlots
      if (m.priceNanoPerToken < s.minPriceNanoPerToken) s.minPriceNanoPerToken = m.priceNanoPerToken
      byId.set(m.id, s)
    }
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id))
}
