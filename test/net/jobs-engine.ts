/**
 * The built-in model loaded in the test process, to compute what a worker must answer for a given request:
 * the network must deliver exactly the engine's text for the same messages, length, seed and temperature.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BUILTIN_MODEL_ID, ensureBuiltinModel, NodeLlamaCppEngine, type GenerateRequest, type LoadedModel } from '../../models/index.js'

export interface ReferenceEngine {
  /** The whole text the engine generates for `req`, and its finish reason and usage. */
  generate: (req: GenerateRequest) => Promise<{ text: string, finishReason: string, completionTokens: number }>
  close: () => Promise<void>
}

export async function startReferenceEngine (): Promise<ReferenceEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'cocoon-ref-model-'))
  const file = await ensureBuiltinModel(dir)
  const engine = new NodeLlamaCppEngine({ gpu: false })
  const model: LoadedModel = await engine.load(file.path, { id: BUILTIN_MODEL_ID, sha256: file.sha256, slots: 1 })
  return {
    generate: async (req) => {
      let text = ''
      for await (const ev of model.generate(req)) {
        if (ev.type === 'token') text += ev.text
        else return { text, finishReason: ev.finishReason, completionTokens: ev.usage.completionTokens }
      }
      throw new Error('generation ended without a done event')
    },
    close: async () => {
      await engine.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
}
