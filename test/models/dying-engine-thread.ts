/**
 * A stand-in engine thread for threaded-engine.spec.ts: it answers `load` with a one-slot model, takes
 * generations and `device` calls without ever answering them, and exits (code 3) when `checkFits('/exit')` comes,
 * as a crashed engine thread would leave its calls. The real engine thread is tested in the same spec.
 */
import { parentPort } from 'node:worker_threads'
import type { FromThread, ToThread } from '../../models/thread/messages.js'

const port = parentPort!
const post = (msg: FromThread): void => { port.postMessage(msg) }
port.on('message', (msg: ToThread) => {
  if (msg.op !== 'call') return
  if (msg.call.method === 'load') {
    post({ op: 'result', id: msg.id, value: { handle: 1, slots: 1, info: { id: 'stand-in', name: 'stand-in', sha256: '00', sizeBytes: 0, contextLength: 64, path: msg.call.path } } })
  } else if (msg.call.method === 'checkFits' && msg.call.path === '/exit') {
    post({ op: 'result', id: msg.id, value: undefined })
    setTimeout(() => { process.exit(3) }, 10)
  } else if (msg.call.method === 'close') {
    post({ op: 'result', id: msg.id, value: undefined })
  }
})
post({ op: 'ready' })
