/**
 * The public shapes of an inference engine. The worker role talks to models only through these;
 * `llama/` holds the node-llama-cpp implementation.
 */

export interface ChatMessage { role: 'system' | 'user' | 'assistant', content: string }

export interface GenerateRequest {
  /** Chat request: the model's chat template is applied. Exactly one of `messages`/`prompt`. */
  messages?: ChatMessage[]
  /** Plain completion: the text is tokenized as is (with the model's BOS token if it wants one). */
  prompt?: string
  /** Most tokens to generate, >= 1. Prompt + maxTokens must fit the slot's context window. */
  maxTokens: number
  /** Sampling temperature, 0..2. @default 0 (greedy: reproducible output) */
  temperature?: number
  /** Nucleus sampling, (0, 1]. @default 1 (off) */
  topP?: number
  /** Sampler seed (uint32); with temperature > 0 the same seed gives the same text. @default 0 */
  seed?: number
  /** Generation stops before the first occurrence of any of these strings; it is not returned. */
  stop?: string[]
}

export interface Usage { promptTokens: number, completionTokens: number }

export type FinishReason = 'stop' | 'length' | 'cancelled'

export type GenerateEvent =
  | { type: 'token', text: string }
  | { type: 'done', finishReason: FinishReason, usage: Usage }

export interface ModelInfo {
  /** Catalog id, the built-in `cocoon-tiny`, or a name derived from the file. */
  id: string
  name: string
  /** sha256 of the GGUF file, lowercase hex: the model's identity on the network. */
  sha256: string
  sizeBytes: number
  /** Context window of one slot, in tokens. */
  contextLength: number
  path: string
  /** GGUF `general.architecture`, e.g. `llama`, `qwen2`. */
  architecture?: string
}

export interface LoadedModel {
  readonly info: ModelInfo
  /** Concurrent sequences it can run. */
  readonly slots: number
  busySlots (): number
  /**
   * Streams the answer. Throws (typed, see errors.ts) on a bad request, a prompt that does not fit,
   * all slots busy, or a closed model. Aborting `signal` ends the stream promptly with a
   * `done` event whose finishReason is `cancelled`.
   */
  generate (req: GenerateRequest, signal?: AbortSignal): AsyncIterable<GenerateEvent>
  close (): Promise<void>
}

export interface DeviceInfo {
  kind: 'cpu' | 'cuda' | 'vulkan' | 'metal'
  gpuName?: string
  vramBytes?: number
  /** CPU threads llama.cpp may use. */
  cpuThreads: number
}

export interface LoadProgress { phase: 'hash' | 'load', done: number, total: number }

export interface LoadOptions {
  /** Id to report; defaults to the file name without `.gguf`. */
  id?: string
  /** Display name; defaults to GGUF `general.name`. */
  name?: string
  /** sha256 already known (from the index or the built-in model): skips hashing the file. */
  sha256?: string
  /** Concurrent sequences. @default DEFAULT_SLOTS */
  slots?: number
  /** Context window per slot in tokens. @default min(DEFAULT_CONTEXT_PER_SLOT, trained context) */
  contextLength?: number
  /** CPU threads for this model's math. @default 1 for tiny models, else llama.cpp's choice */
  threads?: number
  onProgress?: (progress: LoadProgress) => void
  signal?: AbortSignal
}

export interface FitOptions {
  /** Concurrent sequences. @default DEFAULT_SLOTS */
  slots?: number
  /** Context window per slot in tokens. @default min(DEFAULT_CONTEXT_PER_SLOT, trained context) */
  contextLength?: number
}

export interface InferenceEngine {
  /**
   * Reads only the GGUF header and metadata and throws InsufficientMemoryError when the model with
   * these slots cannot fit in free memory: callers run it before hashing a large file.
   */
  checkFits (path: string, opts?: FitOptions): Promise<void>
  load (path: string, opts?: LoadOptions): Promise<LoadedModel>
  device (): Promise<DeviceInfo>
  close (): Promise<void>
}
