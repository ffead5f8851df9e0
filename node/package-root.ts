import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The installed package's root (where package.json and bin/ live). Found by walking up, because this file runs
 * both from source (node/, under tsx) and compiled (dist/node/).
 */
export function packageRoot (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'bin', 'cocoon.cjs'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('cannot find the cocoon package root (package.json with bin/cocoon.cjs)')
    dir = up
  }
  return dir
}
