/**
 * Typed failures of models/. Each class carries a static and an instance `name` and a string
 * `code` (js-libp2p style), so callers test `err.name` or `err.code` rather than `instanceof`.
 * models/ must not import protocols/, so these are standalone; where a failure maps onto a
 * wire error code (`BAD_REQUEST`, `UNKNOWN_MODEL`, `NO_CAPACITY`, `CANCELLED`) the `code` is
 * that wire code, so `toCocoonError()` in protocols/common keeps it unchanged.
 */

export class ModelError extends Error {
  static override readonly name: string = 'ModelError'
  override readonly name: string = 'ModelError'
  readonly code: string
  readonly data?: Record<string, unknown>

  constructor (code: string, message: string, data?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.data = data
  }
}

/** The file does not start with the GGUF magic: it is not a model file at all. */
export class NotGgufError extends ModelError {
  static override readonly name = 'NotGgufError'
  override readonly name = 'NotGgufError'
  constructor (path: string, options?: ErrorOptions) {
    super('NOT_GGUF', `${path} is not a GGUF model file (no "GGUF" magic at the start)`, { path }, options)
  }
}

/** The file claims to be GGUF but its header, metadata or tensor data cannot be read (corrupt or truncated). */
export class CorruptGgufError extends ModelError {
  static override readonly name = 'CorruptGgufError'
  override readonly name = 'CorruptGgufError'
  constructor (path: string, reason: string, options?: ErrorOptions) {
    super('CORRUPT_GGUF', `${path} is a damaged GGUF file: ${reason}`, { path, reason }, options)
  }
}

/** The model file does not exist or cannot be opened. */
export class ModelFileNotFoundError extends ModelError {
  static override readonly name = 'ModelFileNotFoundError'
  override readonly name = 'ModelFileNotFoundError'
  constructor (path: string, options?: ErrorOptions) {
    super('MODEL_FILE_NOT_FOUND', `model file ${path} does not exist or cannot be read`, { path }, options)
  }
}

/** A `--model` value is neither a known id, a stored record, nor an existing file. */
export class UnknownModelError extends ModelError {
  static override readonly name = 'UnknownModelError'
  override readonly name = 'UnknownModelError'
  constructor (ref: string, hint?: string) {
    super('UNKNOWN_MODEL', `unknown model "${ref}"${hint != null ? `: ${hint}` : ''}`, { ref })
  }
}

/** A catalog model that is known by id but whose file was never added to this node. */
export class ModelNotInstalledError extends ModelError {
  static override readonly name = 'ModelNotInstalledError'
  override readonly name = 'ModelNotInstalledError'
  constructor (id: string, fileName: string, url: string) {
    super('MODEL_NOT_INSTALLED', `model "${id}" is in the catalog but not on this machine: download ${fileName} from ${url} and run \`cocoon models add PATH\``, { id, fileName, url })
  }
}

/** The model (weights plus context for all slots) needs more memory than is free. */
export class InsufficientMemoryError extends ModelError {
  static override readonly name = 'InsufficientMemoryError'
  override readonly name = 'InsufficientMemoryError'
  constructor (path: string, where: 'ram' | 'vram', neededBytes: number, freeBytes: number) {
    const gib = (n: number): string => (n / 2 ** 30).toFixed(2)
    super('INSUFFICIENT_MEMORY', `${path} needs ${gib(neededBytes)} GiB of ${where === 'ram' ? 'RAM' : 'GPU memory'} but only ${gib(freeBytes)} GiB is free`, { path, where, neededBytes, freeBytes })
  }
}

/** llama.cpp refused the file after it passed the GGUF checks (unsupported architecture, bad tensors...). */
export class ModelLoadError extends ModelError {
  static override readonly name = 'ModelLoadError'
  override readonly name = 'ModelLoadError'
  constructor (path: string, reason: string, options?: ErrorOptions) {
    super('MODEL_LOAD_FAILED', `could not load ${path}: ${reason}`, { path, reason }, options)
  }
}

/** A file's sha256 differs from the one the catalog or the caller expected. */
export class ModelHashMismatchError extends ModelError {
  static override readonly name = 'ModelHashMismatchError'
  override readonly name = 'ModelHashMismatchError'
  constructor (path: string, expected: string, actual: string) {
    super('MODEL_HASH_MISMATCH', `${path} has sha256 ${actual}, expected ${expected}`, { path, expected, actual })
  }
}

/** The generate request is malformed (no prompt, both prompt and messages, bad numbers...). */
export class InvalidGenerateRequestError extends ModelError {
  static override readonly name = 'InvalidGenerateRequestError'
  override readonly name = 'InvalidGenerateRequestError'
  constructor (reason: string) {
    super('BAD_REQUEST', `invalid generate request: ${reason}`, { reason })
  }
}

/** Prompt plus maxTokens does not fit in the context window of one slot. */
export class ContextOverflowError extends ModelError {
  static override readonly name = 'ContextOverflowError'
  override readonly name = 'ContextOverflowError'
  constructor (promptTokens: number, maxTokens: number, contextLength: number) {
    super('BAD_REQUEST', `prompt (${promptTokens} tokens) plus maxTokens (${maxTokens}) exceeds the context window of ${contextLength} tokens`, { promptTokens, maxTokens, contextLength })
  }
}

/** Every slot of the model is running a job; the caller should queue or pick another worker. */
export class ModelBusyError extends ModelError {
  static override readonly name = 'ModelBusyError'
  override readonly name = 'ModelBusyError'
  constructor (modelId: string, slots: number) {
    super('NO_CAPACITY', `all ${slots} slots of model ${modelId} are busy`, { modelId, slots })
  }
}

/** The model was closed (or is closing) and cannot run jobs. */
export class ModelClosedError extends ModelError {
  static override readonly name = 'ModelClosedError'
  override readonly name = 'ModelClosedError'
  constructor (modelId: string) {
    super('MODEL_CLOSED', `model ${modelId} is closed`, { modelId })
  }
}

/** node-llama-cpp could not start (no usable binary for this platform). */
export class EngineUnavailableError extends ModelError {
  static override readonly name = 'EngineUnavailableError'
  override readonly name = 'EngineUnavailableError'
  constructor (reason: string, options?: ErrorOptions) {
    super('ENGINE_UNAVAILABLE', `the inference engine could not start: ${reason}`, { reason }, options)
  }
}

/** The local model index (`<data>/models/index.json`) exists but cannot be parsed. */
export class ModelIndexError extends ModelError {
  static override readonly name = 'ModelIndexError'
  override readonly name = 'ModelIndexError'
  constructor (path: string, reason: string, options?: ErrorOptions) {
    super('MODEL_INDEX_INVALID', `model index ${path} is unreadable: ${reason}`, { path, reason }, options)
  }
}
