import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runTolkCompiler } from '@ton/tolk-js'
import { ContractCompileError } from './errors.js'

const here = dirname(fileURLToPath(import.meta.url))

/**
 * Tolk sources live in `contracts/tolk/`, beside this file when run from source and two
 * levels up when run from the compiled `dist/contracts/`.
 */
export const TOLK_DIR = [join(here, 'tolk'), join(here, '..', '..', 'contracts', 'tolk')].find(d => existsSync(d)) ?? join(here, 'tolk')

export const CONTRACT_ENTRYPOINTS = {
  Registry: 'registry.tolk',
  WorkerEntry: 'worker-entry.tolk'
} as const

export type ContractName = keyof typeof CONTRACT_ENTRYPOINTS

export interface CompiledContract {
  /** Code cell as a base64 BOC. */
  codeBoc64: string
  /** Hex representation hash of the code cell. */
  codeHashHex: string
}

/** Compiles one contract with the WASM Tolk compiler (stdlib embedded, works offline). */
export async function compileContract (name: ContractName): Promise<CompiledContract> {
  const result = await runTolkCompiler({
    entrypointFileName: CONTRACT_ENTRYPOINTS[name],
    fsReadCallback: (path) => readFileSync(join(TOLK_DIR, path), 'utf8')
  })
  if (result.status !== 'ok') {
    throw new ContractCompileError(`${name}: ${result.message}`)
  }
  return { codeBoc64: result.codeBoc64, codeHashHex: result.codeHashHex }
}

export async function compileAll (): Promise<Record<ContractName, CompiledContract>> {
  return {
    Registry: await compileContract('Registry'),
    WorkerEntry: await compileContract('WorkerEntry')
  }
}
