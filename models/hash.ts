/** sha256 of a model file, streamed so multi-gigabyte GGUFs never sit in memory, with progress. */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { HASH_CHUNK_BYTES } from './constants.js'
import { ModelFileNotFoundError } from './errors.js'
import type { LoadProgress } from './engine.js'

export function sha256Hex (bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export async function hashFile (path: string, onProgress?: (p: LoadProgress) => void, signal?: AbortSignal): Promise<string> {
  let total: number
  try {
    total = (await stat(path)).size
  } catch (err) {
    throw new ModelFileNotFoundError(path, { cause: err })
  }
  const hash = createHash('sha256')
  let done = 0
  onProgress?.({ phase: 'hash', done, total })
  for await (const chunk of createReadStream(path, { highWaterMark: HASH_CHUNK_BYTES, signal })) {
    hash.update(chunk as Buffer)
    done += (chunk as Buffer).length
    onProgress?.({ phase: 'hash', done, total })
  }
  return hash.digest('hex')
}
