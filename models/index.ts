/** models/: inference engines, the model catalog and the built-in tiny model. */
export type {
  ChatMessage, GenerateRequest, GenerateEvent, FinishReason, Usage, ModelInfo, LoadedModel,
  InferenceEngine, DeviceInfo, FitOptions, LoadOptions, LoadProgress
} from './engine.js'
export * from './errors.js'
export { NodeLlamaCppEngine, type NodeLlamaCppEngineInit } from './llama/engine.js'
export { ModelHost, type HostedModel, type ModelFailure, type ModelHostInit } from './host.js'
export { measureSpeed, type SpeedMeasurement } from './speed.js'
export { deviceLabel, deviceMemoryBytes } from './device-label.js'
export { ensureBuiltinModel, BUILTIN_MODEL_SHA256, type BuiltinModelFile } from './builtin/ensure.js'
export { BUILTIN_MODEL_ID, BUILTIN_MODEL_NAME, buildTinyModelGguf } from './builtin/tiny-model.js'
export { CATALOG, findCatalogEntry, estimateMemoryBytes, type CatalogEntry } from './catalog/known.js'
export { addModelFile, listModels, idFromFileName, type ModelListRow, type AddModelOptions, type AddedModel, type AddModelWarning } from './catalog/add.js'
export { readModelIndex, modelsDir, indexPath, type ModelRecord } from './catalog/local-index.js'
export { resolveModelRef, type ResolvedModel } from './resolve.js'
export { inspectGguf, type GgufSummary } from './gguf/inspect.js'
export { hashFile } from './hash.js'
export { StopMatcher } from './stop-matcher.js'
export * as modelConstants from './constants.js'
export { ThreadedEngine, type ThreadedEngineInit } from './thread/threaded-engine.js'
