import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from './package-root.js'

/**
 * The V8 flags every long-running node runs with (`bin/node-flags.json`; `bin/cocoon.cjs` applies them to
 * `cocoon start`). Benchmarks that run a node role in a process of their own pass the same flags, so their
 * figures describe the product as it runs.
 */
export function nodeRuntimeFlags (): string[] {
  const flags: unknown = JSON.parse(readFileSync(join(packageRoot(), 'bin', 'node-flags.json'), 'utf8'))
  if (!Array.isArray(flags) || !flags.every(f => typeof f === 'string' && f.startsWith('--'))) throw new Error('bin/node-flags.json must be an array of --flags')
  return flags
}
