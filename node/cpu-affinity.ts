/**
 * Pinning a process to CPUs (Linux, through util-linux's `taskset`; Node has no call for it).
 *
 * Why a node would: a model engine hands every token between its JS thread and its native thread. When the
 * scheduler runs the two on different cores, each hand-off wakes an idle core, and on a VM that wake is slow: the
 * built-in model decoded 1,840 tokens/s unpinned and 2,900-3,100 pinned to one core on the 2-core bench machine
 * (bench/README.md). A worker given cores of its own (`--cpus`) also stops sharing them with a proxy or client on
 * the same host.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { ConfigError, CPU_LIST } from './config.js'

/** The CPU numbers a list names, in order, without repeats. Throws ConfigError on a malformed list. */
export function parseCpuList (list: string): number[] {
  if (!CPU_LIST.test(list)) throw new ConfigError(`cpus: "${list}" is not a CPU list (e.g. 1 or 0,2-3)`)
  const cpus = new Set<number>()
  for (const part of list.split(',')) {
    const [from, to = from] = part.split('-').map(Number)
    if (to < from) throw new ConfigError(`cpus: range ${part} runs backwards`)
    for (let c = from; c <= to; c++) cpus.add(c)
  }
  return [...cpus]
}

/**
 * Pins every thread of a process (this one by default) to the listed CPUs. Threads started later inherit the
 * mask from the thread that starts them, and exec keeps it, so pinning a child right after spawning it covers it
 * whole. Throws ConfigError with the reason when the platform, `taskset` or the CPUs do not allow it.
 */
export function pinToCpus (list: string, pid: number = process.pid): void {
  taskset(list, pid, true)
}

/**
 * Pins one thread (a Linux thread id, as /proc/PID/task lists them) to the listed CPUs; threads it starts later
 * inherit the mask. Throws ConfigError as `pinToCpus`.
 */
export function pinThread (list: string, tid: number): void {
  taskset(list, tid, false)
}

/** Name Linux gives libuv's pool threads (`comm`), where node-llama-cpp decodes. */
export const LIBUV_POOL_THREAD = 'libuv-worker'

/** The threads of a process: Linux thread id and name (`comm`: `MainThread`, `libuv-worker`, `V8Worker`, ...). */
export function threadsOf (pid: number = process.pid): Array<{ tid: number, name: string }> {
  const out: Array<{ tid: number, name: string }> = []
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.push({ tid: Number(tid), name: readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() })
    } catch {
      // the thread ended while we listed it
    }
  }
  return out
}

function taskset (list: string, id: number, allTasks: boolean): void {
  parseCpuList(list)
  if (process.platform !== 'linux') throw new ConfigError(`cpus: pinning to CPUs works on Linux only (this is ${process.platform})`)
  try {
    execFileSync('taskset', [...(allTasks ? ['--all-tasks'] : []), '--pid', '--cpu-list', list, String(id)], { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer }
    if (e.code === 'ENOENT') throw new ConfigError('cpus: pinning needs the taskset program (Debian/Ubuntu: apt install util-linux)')
    const why = e.stderr?.toString().trim().split('\n').pop() ?? e.message
    throw new ConfigError(`cpus: cannot pin to CPUs ${list}: ${why}`)
  }
}

/** The CPUs a process may run on, as taskset reports them (e.g. `0,1` or `0-3`). */
export function cpusOf (pid: number = process.pid): string {
  const out = execFileSync('taskset', ['--pid', '--cpu-list', String(pid)], { encoding: 'utf8' })
  return out.slice(out.lastIndexOf(':') + 1).trim()
}
