/**
 * `--engine-cpus`: a worker's inference engine on CPUs of its own, and the rest of the node off them.
 *
 * The engine's JS thread (ThreadedEngine) and libuv's pool, where node-llama-cpp decodes, go on the listed CPUs:
 * node-llama-cpp hands every token between the two, which is fastest when they share a core (bench/README.md:
 * 1,840 tokens/s unpinned, ~3,000 pinned on the bench machine). Every other thread (the main thread with libp2p
 * and the job protocol, V8's helpers) goes on the process's other CPUs, where there are any: left free to run
 * anywhere, the main thread was woken on the engine's core by the engine's own messages and waited there for
 * the engine's time slice (the first token's hand-over took 4-10 ms in 1 job of 5, traced; 0.2 ms otherwise).
 */
import type { ThreadedEngine } from '../models/index.js'
import { ConfigError } from './config.js'
import { cpusOf, parseCpuList, pinThread, threadsOf } from './cpu-affinity.js'

/** Name Linux gives libuv's pool threads (`comm`). */
const LIBUV_POOL_THREAD = 'libuv-worker'

/** Throws ConfigError when the platform, taskset or the CPUs do not allow it. */
export async function pinEngine (engine: ThreadedEngine, cpus: string): Promise<void> {
  const tid = await engine.threadId()
  if (tid == null) throw new ConfigError(`engine-cpus: the engine thread has no Linux thread id to pin (${process.platform})`)
  const engineCpus = new Set(parseCpuList(cpus))
  const others = parseCpuList(cpusOf()).filter(c => !engineCpus.has(c)).join(',')
  // libuv starts its whole pool at its first use, which the node's start made long before (file reads).
  for (const t of threadsOf()) {
    if (t.tid === tid || t.name === LIBUV_POOL_THREAD) pinThread(cpus, t.tid)
    else if (others !== '') pinThread(others, t.tid)
  }
}
