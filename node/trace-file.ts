import { appendFileSync } from 'node:fs'
import { setTraceSink } from '../protocols/common/trace.js'

/** How often buffered marks are appended to the file: off the job's path, which only pushes to an array. */
export const FLUSH_EVERY_MS = 250

let installed: { path: string, uninstall: () => void } | undefined

/**
 * Sends this process's job-path marks (protocols/common/trace.ts) to `path`, one line each: the mark, the
 * monotonic clock in ms (the same clock in every process on the machine) and the pid. Lines are buffered and
 * appended every FLUSH_EVERY_MS and at exit. Returns the uninstaller. Idempotent for the same path.
 */
export function installTraceFile (path: string): () => void {
  if (installed != null) {
    if (installed.path === path) return installed.uninstall
    installed.uninstall()
  }
  const lines: string[] = []
  const flush = (): void => {
    if (lines.length > 0) appendFileSync(path, lines.splice(0).join(''))
  }
  const timer = setInterval(flush, FLUSH_EVERY_MS)
  timer.unref()
  process.on('exit', flush)
  setTraceSink(mark => { lines.push(`${mark} ${(Number(process.hrtime.bigint()) / 1e6).toFixed(3)} ${process.pid}\n`) })
  const uninstall = (): void => {
    if (installed?.uninstall !== uninstall) return
    installed = undefined
    clearInterval(timer)
    process.off('exit', flush)
    setTraceSink(undefined)
    flush()
  }
  installed = { path, uninstall }
  return uninstall
}

/** Installs the trace file named by COCOON_TRACE_FILE, if it is set (child processes inherit it). */
export function traceFromEnv (env: NodeJS.ProcessEnv = process.env): void {
  const path = env.COCOON_TRACE_FILE
  if (path != null && path !== '') installTraceFile(path)
}
