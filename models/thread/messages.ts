/**
 * What the main thread and the engine thread say to each other (models/thread/). Plain objects, so that
 * structured clone carries them; errors travel as their name, code, message and data and are rebuilt typed.
 */
import { EngineUnavailableError, ModelError } from '../errors.js'
import type { DeviceInfo, FinishReason, FitOptions, GenerateRequest, LoadOptions, LoadProgress, ModelInfo, Usage } from '../engine.js'

/** What the engine thread is started with (worker_threads `workerData`). */
export interface EngineThreadData {
  gpu?: 'auto' | false
  /** Level of the thread's logger; its records are sent to the main thread's logger. */
  logLevel: string
  /** Token events of one generation are sent at most once per this many ms (the first at once). */
  batchMs: number
}

/** The load options that cross the thread boundary: the callback and the signal become messages. */
export type ThreadLoadOptions = Omit<LoadOptions, 'onProgress' | 'signal'> & { progress: boolean }

export type EngineCall =
  | { method: 'device' }
  | { method: 'checkFits', path: string, opts?: FitOptions }
  | { method: 'load', path: string, opts: ThreadLoadOptions }
  | { method: 'closeModel', handle: number }
  | { method: 'close' }

export type ToThread =
  | { op: 'call', id: number, call: EngineCall }
  /** Aborts a pending `load`. */
  | { op: 'abort', id: number }
  | { op: 'generate', id: number, handle: number, req: GenerateRequest }
  | { op: 'cancel', id: number }

export interface LoadedReply { handle: number, info: ModelInfo, slots: number }

export type FromThread =
  /** The thread is up; `tid` is its Linux thread id (undefined elsewhere), for pinning it to CPUs. */
  | { op: 'ready', tid?: number }
  | { op: 'result', id: number, value: DeviceInfo | LoadedReply | undefined }
  | { op: 'error', id: number, error: SerializedError }
  | { op: 'progress', id: number, progress: LoadProgress }
  | { op: 'tokens', id: number, text: string }
  /** The generation's end, with the text not yet sent in a `tokens` message. */
  | { op: 'done', id: number, text: string, finishReason: FinishReason, usage: Usage }
  | { op: 'failed', id: number, error: SerializedError }
  | { op: 'log', line: string }

export interface SerializedError { name: string, code: string, message: string, data?: Record<string, unknown> }

export function serializeError (err: unknown): SerializedError {
  const e = err as { name?: unknown, code?: unknown, message?: unknown, data?: unknown }
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    code: typeof e?.code === 'string' ? e.code : 'ENGINE_FAILED',
    message: typeof e?.message === 'string' ? e.message : String(err),
    data: e?.data != null && typeof e.data === 'object' ? e.data as Record<string, unknown> : undefined
  }
}

/**
 * A ModelError with the thread's name, code, message and data: callers test `name` and `code` (errors.ts), which
 * survive; `instanceof` a subclass does not. The engine's refusals (NO_CAPACITY, BAD_REQUEST, ...) keep their codes.
 */
export function reviveError (s: SerializedError): ModelError {
  const err = new ModelError(s.code, s.message, s.data)
  Object.defineProperty(err, 'name', { value: s.name, enumerable: false, writable: true, configurable: true })
  return err
}

/** Every pending call and stream fails with this once the thread is gone. */
export function threadGone (reason: string): EngineUnavailableError {
  return new EngineUnavailableError(`engine thread ended: ${reason}`)
}
