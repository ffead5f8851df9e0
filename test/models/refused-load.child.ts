/**
 * The scenario of refused-load.spec.ts, run in a process of its own: node-llama-cpp 3.21.1 hands
 * llama.cpp's log only to the first Llama instance a process creates (the logger later ones pass
 * is not installed), and the spec must read that log whatever specs ran before it. A worker
 * process creates one engine, so this is also how it runs in production.
 * Arguments: good model, unknown-architecture model, wrong-shape model, dispose timeout in ms.
 * Prints one JSON line with what happened.
 */
import { pino } from 'pino'
import { NodeLlamaCppEngine } from '../../models/llama/engine.js'
import { collect, collectGarbage } from './fixtures.js'

const [tiny, lxama, wrongShape, disposeTimeoutMs] = process.argv.slice(2)
const warnings: string[] = []
const logger = pino({ level: 'warn' }, { write: (line: string) => { warnings.push(JSON.parse(line).msg) } })
const engine = new NodeLlamaCppEngine({ gpu: false, logger, disposeTimeoutMs: Number(disposeTimeoutMs) })

const good = await engine.load(tiny, { id: 'cocoon-tiny', slots: 2 })
const errors: Array<{ name: string, code?: string, message: string } | null> = []
for (const refused of [lxama, wrongShape]) {
  try {
    await engine.load(refused)
    errors.push(null)
  } catch (err) {
    const e = err as Error & { code?: string }
    errors.push({ name: e.name, code: e.code, message: e.message })
  }
}
const { text } = await collect(good.generate({ prompt: 'Hello world', maxTokens: 20 }))
const loaded = engine.loadedModels().map(m => m.info.id)

// node-llama-cpp keeps a handle on the backend for each refused model; once the half-made model
// is collected nothing releases it, and llama.dispose() would never return.
collectGarbage()
const started = Date.now()
await engine.close()
const closeMs = Date.now() - started

process.stdout.write(JSON.stringify({ errors, text, loaded, closeMs, warnings }) + '\n', () => { process.exit(0) })
