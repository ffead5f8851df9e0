/**
 * The models this node has: `<data>/models/index.json`, written by `cocoon models add`. Each record
 * keeps the file's sha256 with its size and mtime, so a later start can trust the hash without
 * reading gigabytes again unless the file changed.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { ModelIndexError } from '../errors.js'

export const ModelRecordSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  architecture: z.string(),
  contextLength: z.number().int().positive().optional(),
  catalogId: z.string().optional(),
  license: z.string().optional(),
  addedAt: z.string()
})
export type ModelRecord = z.infer<typeof ModelRecordSchema>

const IndexSchema = z.object({ version: z.literal(1), models: z.array(ModelRecordSchema) })

/** Where the index and the built-in model live inside a node's data directory. */
export function modelsDir (dataDir: string): string {
  return join(dataDir, 'models')
}

export function indexPath (dataDir: string): string {
  return join(modelsDir(dataDir), 'index.json')
}

export async function readModelIndex (dataDir: string): Promise<ModelRecord[]> {
  const path = indexPath(dataDir)
  let raw: string
  try {
    raw = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw new ModelIndexError(path, (err as Error).message, { cause: err })
  }
  try {
    return IndexSchema.parse(JSON.parse(raw)).models
  } catch (err) {
    throw new ModelIndexError(path, (err as Error).message, { cause: err })
  }
}

/** Adds or replaces (same id or same sha256) a record; writes atomically. */
export async function putModelRecord (dataDir: string, record: ModelRecord): Promise<ModelRecord[]> {
  const models = (await readModelIndex(dataDir)).filter(m => m.id !== record.id && m.sha256 !== record.sha256)
  models.push(ModelRecordSchema.parse(record))
  const path = indexPath(dataDir)
  await mkdir(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify({ version: 1, models }, null, 2) + '\n')
  await rename(tmp, path)
  return models
}

/**
 * The record for an id, a sha256 or a catalog id. A catalog id finds a file only through a record:
 * it names a build the operator must download and add, never a file by itself.
 */
export function findModelRecord (records: readonly ModelRecord[], idOrSha256: string): ModelRecord | undefined {
  const key = idOrSha256.toLowerCase()
  return records.find(r => r.id === key) ?? records.find(r => r.sha256 === key) ?? records.find(r => r.catalogId === key)
}
