/**
 * The models a worker serves. Resolves each `--model ID|PATH`, loads it, measures its speed, and
 * keeps going when one fails: a bad file is reported with its typed error and the others serve.
 */
import { pino, type Logger } from 'pino'
import { ModelError } from './errors.js'
import { resolveModelRef } from './resolve.js'
import { measureSpeed, type SpeedMeasurement } from './speed.js'
import type { InferenceEngine, LoadedModel, LoadProgress } from './engine.js'

export interface HostedModel {
  /** The `--model` value it came from. */
  ref: string
  model: LoadedModel
  /** Undefined when measuring was switched off. */
  speed?: SpeedMeasurement
}

export interface ModelFailure { ref: string, error: ModelError }

export interface ModelHostInit {
  engine: InferenceEngine
  dataDir: string
  logger?: Logger
  /** Slots per model. @default DEFAULT_SLOTS (engine default) */
  slots?: number
  /** Context window per slot. @default engine default */
  contextLength?: number
  /** Measure tokens/s after loading each model. @default true */
  measureSpeed?: boolean
  /** Hash and load progress, per model reference. */
  onProgress?: (ref: string, progress: LoadProgress) => void
}

function asModelError (err: unknown): ModelError {
  if (err instanceof ModelError) return err
  const e = err as { code?: unknown, message?: unknown }
  return new ModelError(typeof e?.code === 'string' ? e.code : 'MODEL_LOAD_FAILED', String(e?.message ?? err), undefined, { cause: err })
}

export class ModelHost {
  private readonly init: ModelHostInit
  private readonly log: Logger
  private readonly hosted = new Map<string, HostedModel>()
  private readonly failed: ModelFailure[] = []

  constructor (init: ModelHostInit) {
    this.init = init
    this.log = init.logger ?? pino({ level: 'silent' })
  }

  /** Loads every reference in turn; never throws for a single bad model. */
  async start (refs: readonly string[]): Promise<{ loaded: HostedModel[], failed: ModelFailure[] }> {
    const loaded: HostedModel[] = []
    const failed: ModelFailure[] = []
    for (const ref of refs) {
      try {
        loaded.push(await this.add(ref))
      } catch (err) {
        const error = asModelError(err)
        failed.push({ ref, error })
      }
    }
    return { loaded, failed }
  }

  /** Resolves, loads and (optionally) measures one model. Throws its typed error, and records it. */
  async add (ref: string): Promise<HostedModel> {
    try {
      const onProgress = this.init.onProgress == null ? undefined : (p: LoadProgress) => this.init.onProgress?.(ref, p)
      const fit = { slots: this.init.slots, contextLength: this.init.contextLength }
      const resolved = await resolveModelRef(ref, this.init.dataDir, {
        onProgress,
        beforeHash: async path => { await this.init.engine.checkFits(path, fit) }
      })
      const existing = this.get(resolved.sha256)
      if (existing != null) return this.hosted.get(existing.info.sha256) as HostedModel
      const model = await this.init.engine.load(resolved.path, {
        id: resolved.id,
        name: resolved.name,
        sha256: resolved.sha256,
        slots: this.init.slots,
        contextLength: this.init.contextLength,
        onProgress
      })
      let speed: SpeedMeasurement | undefined
      try {
        speed = this.init.measureSpeed === false ? undefined : await measureSpeed(model)
      } catch (err) {
        // Not served, so not in `hosted`: close it here or its context and weights stay allocated.
        await model.close().catch(() => {})
        throw err
      }
      const hosted: HostedModel = { ref, model, speed }
      this.hosted.set(model.info.sha256, hosted)
      this.log.info({ model: model.info.id, sha256: model.info.sha256, slots: model.slots, ...speed }, 'serving model')
      return hosted
    } catch (err) {
      const error = asModelError(err)
      this.failed.push({ ref, error })
      this.log.error({ ref, code: error.code, err: error.message }, 'model not served')
      throw error
    }
  }

  list (): HostedModel[] {
    return [...this.hosted.values()]
  }

  /** By sha256 (the network identity) or id. */
  get (idOrSha256: string): LoadedModel | undefined {
    const key = idOrSha256.toLowerCase()
    return this.hosted.get(key)?.model ?? [...this.hosted.values()].find(h => h.model.info.id === key)?.model
  }

  failures (): ModelFailure[] {
    return [...this.failed]
  }

  async remove (idOrSha256: string): Promise<boolean> {
    const model = this.get(idOrSha256)
    if (model == null) return false
    this.hosted.delete(model.info.sha256)
    await model.close()
    return true
  }

  async close (): Promise<void> {
    const models = [...this.hosted.values()]
    this.hosted.clear()
    await Promise.all(models.map(async h => { await h.model.close() }))
  }
}
