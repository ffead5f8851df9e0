import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/** Where a node keeps its state when no `--data` is given: `$COCOON_DATA`, else `~/.cocoon`. */
export function defaultDataDir (): string {
  const fromEnv = process.env.COCOON_DATA
  return fromEnv != null && fromEnv !== '' ? resolve(fromEnv) : join(homedir(), '.cocoon')
}
