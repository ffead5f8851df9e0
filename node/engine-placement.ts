/**
 * `--engine-cpus`: a worker's inference engine on CPUs of its own.
 *
 * The engine's JS thread (ThreadedEngine) and libuv's pool, where node-llama-cpp decodes, go on the listed CPUs:
 * node-llama-cpp hands every token between the two, which is fastest when they share a core (bench/README.md:
 * 1,840 tokens/s unpinned, ~3,000 pinned on the bench machine). V8's helper threads (garbage collection and
 * compilation for both threads' heaps) go on the process's other CPUs, where there are any: on the engine's core
 * a collection took turns with the engine, and a burst of it there delayed first tokens by 10 ms. The main thread
 * (libp2p, the job protocol) keeps all of the process's CPUs: between jobs and while a job starts the engine's
 * core is idle and the main thread is welcome there; confined to the others it waited behind the node's and its
 * neighbours' background work at the very moments a first token was handed over (bench/README.md, session 8).
 */
import type { ThreadedEngine } from '../models/index.js'
import { ConfigError } from './config.js'
import { cpusOf, LIBUV_POOL_THREAD, parseCpuList, pinThread, threadsOf } from './cpu-affinity.js'

/** Throws ConfigError when the platform, taskset or the CPUs do not allow it. */
export async function pinEngine (engine: ThreadedEngine, cpus: string): Promise<void> {
  const tid = await engine.threadId()
  if (tid == null) throw new ConfigError(`engine-cpus: the engine thread has no Linux thread id to pin (${process.platform})`)
  const engineCpus = new Set(parseCpuList(cpus))
  const others = parseCpuList(cpusOf()).filter(c => !engineCpus.has(c)).join(',')
  // libuv starts its whole pool at its first use, which the node's start made long before (file reads).
  for (const t of threadsOf()) {
    if (t.tid === tid || t.name === LIBUV_POOL_THREAD) pinThread(cpus, t.tid)
    else if (t.tid !== process.pid && others !== '') pinThread(others, t.tid)
  }
}
