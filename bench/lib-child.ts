/**
 * A compiled bench helper script run as its own Node process, so that its memory (VmRSS) and CPU time are its
 * own. The child prints JSON lines on stdout (`{"event": "...", ...}`) and reads command lines on stdin.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { packageRoot } from '../node/package-root.js'

/** Path of a compiled bench script (`dist/bench/<name>.js`); children always run compiled code. */
export function compiledBenchScript (name: string): string {
  const path = join(packageRoot(), 'dist', 'bench', `${name}.js`)
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first (npm run bench does)`)
  return path
}

export class BenchChild {
  readonly child: ChildProcess
  private readonly events: Array<Record<string, unknown>> = []
  private readonly waiters: Array<() => void> = []
  private readonly stderr: string[] = []
  readonly exited: Promise<number | null>

  /** `nodeFlags`: V8/Node flags for the child (a node role runs with `nodeRuntimeFlags()`, as `cocoon start` does). */
  constructor (script: string, args: string[], nodeFlags: string[] = []) {
    this.child = spawn(process.execPath, [...nodeFlags, compiledBenchScript(script), ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    createInterface({ input: this.child.stdout! }).on('line', line => {
      try {
        const event = JSON.parse(line)
        if (event != null && typeof event === 'object') this.events.push(event)
      } catch {}
      for (const w of this.waiters.splice(0)) w()
    })
    createInterface({ input: this.child.stderr! }).on('line', line => {
      if (process.env.COCOON_BENCH_CHILD_LOGS === '1') process.stderr.write(`[${script}] ${line}\n`)
      this.stderr.push(line)
      if (this.stderr.length > 50) this.stderr.shift()
    })
    this.exited = new Promise(resolve => this.child.once('exit', code => {
      resolve(code)
      for (const w of this.waiters.splice(0)) w()
    }))
  }

  /** The child's last stderr lines (its warnings), to attach to an error. */
  stderrTail (lines = 3): string {
    return this.stderr.slice(-lines).join(' | ')
  }

  get pid (): number {
    if (this.child.pid == null) throw new Error('child process has no pid (did it start?)')
    return this.child.pid
  }

  /** The next event of this name not yet taken, waiting for it; fails if the child exits or time runs out. */
  async next (event: string, timeoutMs: number): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs
    while (true) {
      const i = this.events.findIndex(e => e.event === event)
      if (i >= 0) return this.events.splice(i, 1)[0]
      if (this.child.exitCode != null || this.child.signalCode != null) {
        throw new Error(`bench child exited (${this.child.exitCode ?? this.child.signalCode}) before "${event}": ${this.stderr.slice(-5).join(' | ')}`)
      }
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`bench child did not report "${event}" within ${timeoutMs} ms`)
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
  }

  /** Sends one command line and waits for the reply event of the same name. */
  async ask (command: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    this.child.stdin!.write(`${command}\n`)
    return this.next(command, timeoutMs)
  }

  /** Closes its stdin (children exit on that), then SIGKILL if it lingers. */
  async stop (graceMs = 5000): Promise<void> {
    if (this.child.exitCode != null || this.child.signalCode != null) return
    this.child.stdin!.end()
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs)
    await this.exited
    clearTimeout(timer)
  }
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. Linux only. */
export async function cpuSecondsOf (pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return ticks / CLOCK_TICKS_PER_SECOND
}

/** USER_HZ on Linux: 100 on every mainstream kernel build. */
const CLOCK_TICKS_PER_SECOND = 100
