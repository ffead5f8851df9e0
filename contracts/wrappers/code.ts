import { Cell } from '@ton/core'
import { compiledContracts } from '../compiled.js'

/** Code cells from the committed build output (contracts/compiled.ts). */
let registry: Cell | undefined
let entry: Cell | undefined

export function registryCode (): Cell {
  registry ??= Cell.fromBase64(compiledContracts.Registry.codeBoc64)
  return registry
}

export function workerEntryCode (): Cell {
  entry ??= Cell.fromBase64(compiledContracts.WorkerEntry.codeBoc64)
  return entry
}
