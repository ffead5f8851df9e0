/** Temp directories and damaged model files for the models/ specs. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import v8 from 'node:v8'
import vm from 'node:vm'

export async function tempDir (): Promise<{ dir: string, cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cocoon-models-'))
  return { dir, cleanup: async () => { await rm(dir, { recursive: true, force: true }) } }
}

/** Writes three broken "models" next to a good one: plain text, cut short, and a garbled header. */
export async function writeBadModels (dir: string, goodPath: string): Promise<{ notGguf: string, truncated: string, corrupt: string }> {
  const good = await readFile(goodPath)
  const notGguf = join(dir, 'notes.gguf')
  await writeFile(notGguf, 'this is a text file, not a model\n'.repeat(10))
  const truncated = join(dir, 'truncated.gguf')
  await writeFile(truncated, good.subarray(0, Math.floor(good.length * 0.6)))
  const corrupt = join(dir, 'corrupt.gguf')
  const garbled = Buffer.from(good)
  // Keep the magic and version, then overwrite the counts and the first keys with 0xff bytes:
  // the tensor and metadata counts become absurd and the first key length points past the file.
  garbled.fill(0xff, 8, 64)
  await writeFile(corrupt, garbled)
  return { notGguf, truncated, corrupt }
}

/**
 * Writes a copy of a good model whose `general.architecture` is "lxama" (same length as "llama", so
 * nothing else moves): a complete GGUF that passes our checks but that llama.cpp refuses to load.
 */
export async function writeUnknownArchitectureModel (dir: string, goodPath: string, fileName = 'lxama.gguf'): Promise<string> {
  const bytes = Buffer.from(await readFile(goodPath))
  const key = Buffer.from('general.architecture')
  const at = bytes.indexOf(key)
  if (at < 0) throw new Error(`${goodPath} has no general.architecture key`)
  const value = at + key.length + 4 /* value type */ + 8 /* string length */
  if (bytes.toString('latin1', value, value + 5) !== 'llama') throw new Error(`${goodPath} is not a llama model`)
  bytes.write('lxama', value, 'latin1')
  const path = join(dir, fileName)
  await writeFile(path, bytes)
  return path
}

/**
 * Writes a copy of a good model whose `output_norm.weight` claims one element fewer than the model
 * width: the file stays complete (it only gets shorter than its data), but llama.cpp refuses it.
 */
export async function writeWrongShapeModel (dir: string, goodPath: string): Promise<string> {
  const bytes = Buffer.from(await readFile(goodPath))
  const name = Buffer.from('output_norm.weight')
  const at = bytes.indexOf(name)
  if (at < 0) throw new Error(`${goodPath} has no output_norm.weight tensor`)
  const dim0 = at + name.length + 4 /* dimension count */
  bytes.writeBigUInt64LE(bytes.readBigUInt64LE(dim0) - 1n, dim0)
  const path = join(dir, 'wrong-shape.gguf')
  await writeFile(path, bytes)
  return path
}

/** Runs a full garbage collection (exposing `gc` at run time, since mocha does not start with --expose-gc). */
export function collectGarbage (): void {
  v8.setFlagsFromString('--expose_gc')
  ;(vm.runInNewContext('gc') as () => void)()
}

/** Collects a generation into its text, its token chunks and its final event. */
export async function collect (events: AsyncIterable<import('../../models/engine.js').GenerateEvent>): Promise<{ text: string, chunks: string[], done: Extract<import('../../models/engine.js').GenerateEvent, { type: 'done' }> }> {
  const chunks: string[] = []
  for await (const ev of events) {
    if (ev.type === 'token') chunks.push(ev.text)
    else return { text: chunks.join(''), chunks, done: ev }
  }
  throw new Error('generation ended without a done event')
}
