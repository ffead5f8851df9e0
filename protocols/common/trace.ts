/**
 * Named marks along a job's path through the client, the proxy and the worker, for finding where its time goes
 * (bench/README.md: "Tracing a job's path"). Off unless the node installs a sink (node/trace-file.ts does, when
 * COCOON_TRACE_FILE is set): without one a mark is a single comparison. The sink adds the time and the process,
 * so these marks from several processes line up on one clock.
 */

/**
 * Every mark, in the order a job passes them: up to the first chunk, then the answer's end. A sender marks before
 * it writes (a write can wake the receiver, which may then run first), a receiver once it has read and decoded, so
 * the step from one to the next is the write, the hop and the read.
 */
export const JOB_PATH_MARKS = [
  'client.start', // runJob entered (one proxy tried)
  'client.sending', // the route (with the job sealed ahead, when it could be) about to be written
  'proxy.received', // the client's first frame read and decoded
  'proxy.forwarding', // the sealed job about to be written to the worker's stream
  'worker.received', // the job read and decoded
  'worker.opened', // the job decrypted, about to go to the engine
  'worker.firstToken', // the engine's first token back on the worker's main thread
  'worker.sendingFirst', // the first chunk sealed, about to be written
  'proxy.firstChunk', // the first chunk read from the worker
  'proxy.relayingFirst', // the first chunk about to be written to the client
  'client.firstChunk', // the first chunk read and opened
  'worker.engineDone', // the engine's end (usage) on the worker's main thread
  'worker.sendingFinal', // the sealed final chunk and the signed Final about to be written
  'proxy.relayingFinal', // Final about to be written to the client
  'client.finalReceived', // Final read, before its checks
  'client.done' // Final checked: the caller gets `done`
] as const

export type JobPathMark = typeof JOB_PATH_MARKS[number]

export type TraceSink = (mark: JobPathMark) => void

let sink: TraceSink | undefined

/** Installs (or with `undefined` removes) where marks go. One per process. */
export function setTraceSink (next: TraceSink | undefined): void {
  sink = next
}

export function traceMark (mark: JobPathMark): void {
  if (sink !== undefined) sink(mark)
}
