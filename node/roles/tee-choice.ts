import { existsSync } from 'node:fs'
import type { Logger } from 'pino'
import {
  DEFAULT_PCCS_URL, DevTeeProvider, loadOrCreateTestAuthority, TdxTeeProvider, TSM_REPORT_ROOT, type TeeProvider
} from '../../protocols/attestation/index.js'
import { ConfigError } from '../config.js'

/** Which TEE a worker runs with. */
export type TeeChoice =
  | { kind: 'dev', dir: string }
  | { kind: 'tdx', reportRoot: string, pccsUrl: string }

export interface TeeChoiceInput {
  devTee?: string
  pccs?: string
  /** @default TSM_REPORT_ROOT */
  reportRoot?: string
  /** @default existsSync */
  exists?: (path: string) => boolean
}

/**
 * `--dev-tee DIR` wins when given (it is asked for explicitly); otherwise a TDX guest's configfs-tsm report
 * interface; otherwise a ConfigError naming both ways to start.
 */
export function chooseTee (input: TeeChoiceInput): TeeChoice {
  if (input.devTee != null) return { kind: 'dev', dir: input.devTee }
  const reportRoot = input.reportRoot ?? TSM_REPORT_ROOT
  if ((input.exists ?? existsSync)(reportRoot)) return { kind: 'tdx', reportRoot, pccsUrl: input.pccs ?? DEFAULT_PCCS_URL }
  throw new ConfigError(`this worker has no TEE: pass --dev-tee DIR to run with the development TEE (a test root CA that only registries listing it accept), or run in a TDX guest with configfs-tsm (${reportRoot}, Linux >= 6.7)`)
}

export async function createTeeProvider (choice: TeeChoice, logger?: Logger): Promise<TeeProvider> {
  if (choice.kind === 'dev') return new DevTeeProvider(await loadOrCreateTestAuthority(choice.dir))
  return new TdxTeeProvider({ reportRoot: choice.reportRoot, pccsUrl: choice.pccsUrl, logger })
}
