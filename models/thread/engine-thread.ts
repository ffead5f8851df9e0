/**
 * The engine thread (started by ThreadedEngine, never imported by the main thread): a NodeLlamaCppEngine that
 * answers the main thread's calls and streams generations back in batches (token-batcher.ts).
 */
import { readlinkSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { pino } from 'pino'
import { NodeLlamaCppEngine } from '../llama/engine.js'
import type { LoadedModel } from '../engine.js'
import { ModelClosedError } from '../errors.js'
import { serializeError, type EngineCall, type EngineThreadData, type FromThread, type LoadedReply, type ToThread } from './messages.js'
import { TokenBatcher } from './token-batcher.js'

if (parentPort == null) throw new Error('engine-thread.ts runs only as a worker thread (ThreadedEngine starts it)')
const port = parentPort
const data = workerData as EngineThreadData
const post = (msg: FromThread): void => { port.postMessage(msg) }

// Log records go to the main thread, which writes them through the node's own logger (one stream, one format).
const logger = pino({ level: data.logLevel, base: undefined }, { write: (line: string) => { post({ op: 'log', line }) } })
const engine = new NodeLlamaCppEngine({ gpu: data.gpu, logger })
const models = new Map<number, LoadedModel>()
const loads = new Map<number, AbortController>()
const generations = new Map<number, AbortController>()
let nextHandle = 1

/** Linux thread id of this thread: /proc/thread-self names it for the thread that reads it. */
function ownThreadId (): number | undefined {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop())
  } catch {
    return undefined
  }
}

async function answer (id: number, call: EngineCall): Promise<FromThread> {
  switch (call.method) {
    case 'device':
      return { op: 'result', id, value: await engine.device() }
    case 'checkFits':
      await engine.checkFits(call.path, call.opts)
      return { op: 'result', id, value: undefined }
    case 'load': {
      const abort = new AbortController()
      loads.set(id, abort)
      try {
        const { progress, ...opts } = call.opts
        const model = await engine.load(call.path, {
          ...opts,
          signal: abort.signal,
          onProgress: progress ? (p) => { post({ op: 'progress', id, progress: p }) } : undefined
        })
        const handle = nextHandle++
        models.set(handle, model)
        const value: LoadedReply = { handle, info: model.info, slots: model.slots }
        return { op: 'result', id, value }
      } finally {
        loads.delete(id)
      }
    }
    case 'closeModel': {
      const model = models.get(call.handle)
      models.delete(call.handle)
      await model?.close()
      return { op: 'result', id, value: undefined }
    }
    case 'close':
      models.clear()
      await engine.close()
      return { op: 'result', id, value: undefined }
  }
}

async function generate ({ id, handle, req }: Extract<ToThread, { op: 'generate' }>): Promise<void> {
  const abort = new AbortController()
  generations.set(id, abort)
  const batcher = new TokenBatcher({ intervalMs: data.batchMs, send: (text) => { post({ op: 'tokens', id, text }) } })
  try {
    const model = models.get(handle)
    if (model == null) throw new ModelClosedError(`#${handle}`)
    for await (const ev of model.generate(req, abort.signal)) {
      if (ev.type === 'token') batcher.push(ev.text)
      else post({ op: 'done', id, text: batcher.finish(), finishReason: ev.finishReason, usage: ev.usage })
    }
  } catch (err) {
    batcher.finish()
    post({ op: 'failed', id, error: serializeError(err) })
  } finally {
    generations.delete(id)
  }
}

port.on('message', (msg: ToThread) => {
  switch (msg.op) {
    case 'call':
      answer(msg.id, msg.call).then(post, (err: unknown) => { post({ op: 'error', id: msg.id, error: serializeError(err) }) })
      break
    case 'abort':
      loads.get(msg.id)?.abort()
      break
    case 'generate':
      void generate(msg)
      break
    case 'cancel':
      generations.get(msg.id)?.abort()
      break
  }
})

post({ op: 'ready', tid: ownThreadId() })
