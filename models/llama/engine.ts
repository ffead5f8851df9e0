/**
 * The node-llama-cpp inference engine: finds the best prebuilt llama.cpp binary (CUDA, Vulkan or
 * Metal when a GPU is usable, else CPU), checks each GGUF and its memory needs, and loads it with
 * a context of N sequences.
 */
import { basename } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { pino, type Logger } from 'pino'
import { getLlama, GgufInsights, LlamaLogLevel, resolveChatWrapper, type Llama, type LlamaModel } from 'node-llama-cpp'
import { DEFAULT_CONTEXT_PER_SLOT, DEFAULT_SLOTS, LLAMA_DISPOSE_TIMEOUT_MS, LOAD_ERROR_LOG_LINES, LOAD_ERROR_LOG_WAIT_MS, MEMORY_HEADROOM_BYTES, SINGLE_THREAD_MODEL_BYTES } from '../constants.js'
import { EngineUnavailableError, InsufficientMemoryError, ModelLoadError, ModelError } from '../errors.js'
import { inspectGguf, type GgufSummary } from '../gguf/inspect.js'
import { hashFile } from '../hash.js'
import { findMemoryShortfall, type MemoryFree, type MemoryNeed } from '../memory.js'
import { LlamaLoadedModel } from './loaded-model.js'
import { LlamaLogTail } from './log-tail.js'
import { joinGpuNames } from '../device-label.js'
import type { DeviceInfo, FitOptions, InferenceEngine, LoadedModel, LoadOptions } from '../engine.js'

export interface NodeLlamaCppEngineInit {
  /** `'auto'` uses a GPU when node-llama-cpp finds one; `false` forces CPU. @default 'auto' */
  gpu?: 'auto' | false
  logger?: Logger
  /** @default MEMORY_HEADROOM_BYTES */
  memoryHeadroomBytes?: number
  /** Where free memory is read from. @default llama.getRamState() / llama.getVramState() */
  memoryProbe?: (llama: Llama) => Promise<MemoryFree>
  /** @default LLAMA_DISPOSE_TIMEOUT_MS */
  disposeTimeoutMs?: number
}

/** Context window of one slot: the asked size (or the default), never more than the model was trained for. */
function contextPerSlotFor (summary: GgufSummary, asked?: number): number {
  return Math.min(asked ?? DEFAULT_CONTEXT_PER_SLOT, summary.contextLength ?? DEFAULT_CONTEXT_PER_SLOT)
}

async function defaultMemoryProbe (llama: Llama): Promise<MemoryFree> {
  const ram = await llama.getRamState()
  const vram = llama.gpu === false ? { free: 0 } : await llama.getVramState()
  return { ramBytes: ram.free, vramBytes: vram.free }
}

export class NodeLlamaCppEngine implements InferenceEngine {
  private readonly init: NodeLlamaCppEngineInit
  private readonly log: Logger
  private llamaPromise?: Promise<Llama>
  private readonly models = new Set<LoadedModel>()
  private readonly llamaLog = new LlamaLogTail()

  constructor (init: NodeLlamaCppEngineInit = {}) {
    this.init = init
    this.log = init.logger ?? pino({ level: 'silent' })
  }

  private async llama (): Promise<Llama> {
    this.llamaPromise ??= getLlama({
      gpu: this.init.gpu ?? 'auto',
      build: 'never', // never compile at run time: use the prebuilt binaries shipped in node_modules
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => {
        const text = message.trim()
        this.log.debug({ level }, text)
        if (text !== '' && level !== LlamaLogLevel.info && level !== LlamaLogLevel.log && level !== LlamaLogLevel.debug) {
          this.llamaLog.record(level !== LlamaLogLevel.warn, text)
        }
      }
    }).catch((err: unknown) => {
      this.llamaPromise = undefined
      throw new EngineUnavailableError((err as Error).message, { cause: err })
    })
    return await this.llamaPromise
  }

  async device (): Promise<DeviceInfo> {
    const llama = await this.llama()
    if (llama.gpu === false) return { kind: 'cpu', cpuThreads: llama.cpuMathCores }
    const [names, vram] = await Promise.all([llama.getGpuDeviceNames(), llama.getVramState()])
    return { kind: llama.gpu, gpuName: joinGpuNames(names), vramBytes: vram.total, cpuThreads: llama.cpuMathCores }
  }

  /** Models loaded by this engine and not closed yet (closed ones drop out, whoever closed them). */
  loadedModels (): LoadedModel[] {
    return [...this.models]
  }

  async checkFits (path: string, opts: FitOptions = {}): Promise<void> {
    const summary = await inspectGguf(path)
    await this.checkMemory(await this.llama(), summary, opts.slots ?? DEFAULT_SLOTS, contextPerSlotFor(summary, opts.contextLength))
  }

  async load (path: string, opts: LoadOptions = {}): Promise<LoadedModel> {
    opts.signal?.throwIfAborted()
    const summary = await inspectGguf(path)
    const llama = await this.llama()
    const slots = opts.slots ?? DEFAULT_SLOTS
    const contextPerSlot = contextPerSlotFor(summary, opts.contextLength)
    // Memory first: a multi-gigabyte model that cannot fit is refused before it is read to be hashed.
    const gpuLayers = await this.checkMemory(llama, summary, slots, contextPerSlot)
    const sha256 = opts.sha256 ?? await hashFile(path, opts.onProgress, opts.signal)

    const logMark = this.llamaLog.mark()
    let model: LlamaModel
    try {
      model = await llama.loadModel({
        modelPath: path,
        gpuLayers,
        loadSignal: opts.signal,
        onLoadProgress: p => opts.onProgress?.({ phase: 'load', done: Math.round(p * summary.sizeBytes), total: summary.sizeBytes })
      })
    } catch (err) {
      throw new ModelLoadError(path, await this.withLlamaLog((err as Error).message, logMark), { cause: err })
    }
    try {
      const threads = opts.threads ?? (summary.sizeBytes < SINGLE_THREAD_MODEL_BYTES ? 1 : undefined)
      const context = await model.createContext({ sequences: slots, contextSize: contextPerSlot, threads, failedCreationRemedy: false })
      const loaded = new LlamaLoadedModel({
        id: opts.id ?? basename(path).replace(/\.gguf$/i, ''),
        name: opts.name ?? summary.name ?? basename(path),
        sha256,
        sizeBytes: summary.sizeBytes,
        contextLength: context.contextSize,
        path,
        architecture: summary.architecture
      }, model, context, resolveChatWrapper(model), this.log, () => { this.models.delete(loaded) })
      this.models.add(loaded)
      this.log.info({ model: loaded.info.id, sha256, slots, contextPerSlot: context.contextSize, gpuLayers: model.gpuLayers, threads: context.currentThreads }, 'model loaded')
      return loaded
    } catch (err) {
      await model.dispose()
      if (err instanceof ModelError) throw err
      throw new ModelLoadError(path, await this.withLlamaLog(`context creation failed: ${(err as Error).message}`, logMark), { cause: err })
    }
  }

  /**
   * Estimates weights + KV cache for all slots and compares with free memory. On a GPU it first
   * tries a full offload; if that does not fit it lets node-llama-cpp split layers ('auto') as long
   * as the CPU-only estimate fits in RAM. Throws InsufficientMemoryError otherwise.
   */
  private async checkMemory (llama: Llama, summary: GgufSummary, slots: number, contextPerSlot: number): Promise<'auto' | number> {
    const insights = await GgufInsights.from(summary.fileInfo, llama)
    const need = (gpuLayers: number): MemoryNeed => {
      const m = insights.estimateModelResourceRequirements({ gpuLayers })
      const c = insights.estimateContextResourceRequirements({ contextSize: contextPerSlot, modelGpuLayers: gpuLayers, sequences: slots })
      return { ramBytes: m.cpuRam + c.cpuRam, vramBytes: m.gpuVram + c.gpuVram }
    }
    const free = await (this.init.memoryProbe ?? defaultMemoryProbe)(llama)
    const headroom = this.init.memoryHeadroomBytes ?? MEMORY_HEADROOM_BYTES
    let gpuShortfall
    if (llama.gpu !== false) {
      gpuShortfall = findMemoryShortfall(need(insights.totalLayers), free, headroom)
      if (gpuShortfall == null) return insights.totalLayers
    }
    const cpuShortfall = findMemoryShortfall(need(0), free, headroom)
    if (cpuShortfall != null) {
      const s = gpuShortfall ?? cpuShortfall
      throw new InsufficientMemoryError(summary.path, s.where, s.neededBytes, s.freeBytes)
    }
    return llama.gpu === false ? 0 : 'auto'
  }

  /** `reason` followed by what llama.cpp logged since `mark`, which is where the actual cause is. */
  private async withLlamaLog (reason: string, mark: number): Promise<string> {
    await delay(LOAD_ERROR_LOG_WAIT_MS) // the lines may still be on their way (see LOAD_ERROR_LOG_WAIT_MS)
    const lines = this.llamaLog.since(mark, LOAD_ERROR_LOG_LINES)
    return lines.length === 0 ? reason : `${reason} (llama.cpp: ${lines.map(l => l.replace(/\s+/g, ' ')).join(' / ')})`
  }

  async close (): Promise<void> {
    await Promise.all([...this.models].map(async m => { await m.close() }))
    this.models.clear()
    const llama = await this.llamaPromise?.catch(() => undefined)
    if (llama != null) await this.disposeLlama(llama)
    this.llamaPromise = undefined
  }

  /**
   * Releases llama.cpp's backend, waiting a bounded time: after a model that llama.cpp refused,
   * node-llama-cpp 3.21.1 can wait forever here (see LLAMA_DISPOSE_TIMEOUT_MS).
   */
  private async disposeLlama (llama: Llama): Promise<void> {
    const timeoutMs = this.init.disposeTimeoutMs ?? LLAMA_DISPOSE_TIMEOUT_MS
    let timer: NodeJS.Timeout | undefined
    const expired = await Promise.race([
      llama.dispose().then(() => false),
      new Promise<boolean>(resolve => { timer = setTimeout(() => { resolve(true) }, timeoutMs) })
    ]).finally(() => { clearTimeout(timer) })
    if (expired) {
      this.log.warn({ timeoutMs }, 'llama.cpp did not release its backend in time (a model it refused to load still holds it); closing without it')
    }
  }
}
