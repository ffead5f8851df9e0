/** Writes the built-in model into a directory once, and reuses it after. */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { hashFile, sha256Hex } from '../hash.js'
import { ModelError } from '../errors.js'
import { BUILTIN_MODEL_FILE, buildTinyModelGguf } from './tiny-model.js'

/**
 * sha256 of the bytes `buildTinyModelGguf()` produces. It is pinned so a worker can check an
 * existing file without regenerating it, and so a test notices any change to the generator
 * (which would change the model's network identity).
 */
export const BUILTIN_MODEL_SHA256 = '6ff77acf7a49f5ba3ffae3944d8d6aaa588ef948cce85656e74de59f63f0f569'

export interface BuiltinModelFile { path: string, sha256: string, sizeBytes: number }

/**
 * Returns the built-in model file in `dir`, writing it (atomically: temp file + rename) when it is
 * missing or does not hash to BUILTIN_MODEL_SHA256.
 */
export async function ensureBuiltinModel (dir: string): Promise<BuiltinModelFile> {
  const path = join(dir, BUILTIN_MODEL_FILE)
  try {
    if (await hashFile(path) === BUILTIN_MODEL_SHA256) {
      return { path, sha256: BUILTIN_MODEL_SHA256, sizeBytes: (await stat(path)).size }
    }
  } catch {
    // missing or unreadable: write it below
  }
  const bytes = buildTinyModelGguf()
  const sha256 = sha256Hex(bytes)
  if (sha256 !== BUILTIN_MODEL_SHA256) {
    throw new ModelError('BUILTIN_MODEL_CHANGED', `the built-in model generator produced sha256 ${sha256}, expected ${BUILTIN_MODEL_SHA256}`)
  }
  await mkdir(dir, { recursive: true })
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, bytes)
  await rename(tmp, path)
  return { path, sha256, sizeBytes: bytes.length }
}
