import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import { packageRoot } from '../package-root.js'

/** The `cocoon` entry point of this installation, run with the same Node binary as the launcher. */
export const COCOON_BIN = join(packageRoot(), 'bin', 'cocoon.cjs')

export interface ChildLine {
  name: string
  stream: 'stdout' | 'stderr'
  line: string
}

/**
 * One node process of the local network. stdout carries machine-readable events (JSON lines, e.g.
 * `{"event":"started",...}`); stderr carries the node's JSON logs, which the launcher merges into one log.
 */
export class NodeProcess {
  readonly name: string
  readonly child: ChildProcess
  private readonly events: Array<Record<string, unknown>> = []
  private readonly waiters: Array<{ test: (e: Record<string, unknown>) => boolean, resolve: (e: Record<string, unknown>) => void }> = []
  readonly exited: Promise<number | null>

  constructor (name: string, args: string[], onLine: (l: ChildLine) => void, env: NodeJS.ProcessEnv = {}) {
    this.name = name
    // Its own process group: Ctrl-C in a terminal reaches only the launcher, which stops the nodes in order.
    // The node watches COCOON_LAUNCHER_PID and stops itself if the launcher dies without doing so.
    this.child = spawn(process.execPath, [COCOON_BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, COCOON_LAUNCHER_PID: String(process.pid), ...env }
    })
    createInterface({ input: this.child.stdout! }).on('line', line => {
      onLine({ name, stream: 'stdout', line })
      try {
        const event = JSON.parse(line)
        if (event != null && typeof event === 'object') {
          this.events.push(event)
          for (const w of [...this.waiters]) {
            if (w.test(event)) {
              this.waiters.splice(this.waiters.indexOf(w), 1)
              w.resolve(event)
            }
          }
        }
      } catch {}
    })
    createInterface({ input: this.child.stderr! }).on('line', line => onLine({ name, stream: 'stderr', line }))
    this.exited = new Promise(resolve => this.child.once('exit', code => resolve(code)))
  }

  /** Waits for a stdout event (e.g. `started`), failing if the process exits first or the time runs out. */
  async waitFor (event: string, timeoutMs: number): Promise<Record<string, unknown>> {
    const seen = this.events.find(e => e.event === event)
    if (seen != null) return seen
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not report "${event}" within ${timeoutMs} ms`)), timeoutMs)
      this.waiters.push({ test: e => e.event === event, resolve: e => { clearTimeout(timer); resolve(e) } })
      void this.exited.then(code => { clearTimeout(timer); reject(new Error(`${this.name} exited with code ${code} before "${event}" (see its log above)`)) })
    })
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop (graceMs = 10_000): Promise<void> {
    if (this.child.exitCode != null || this.child.signalCode != null) return
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs)
    await this.exited
    clearTimeout(timer)
  }
}
