/** Small helpers every network benchmark uses: percentiles, rounding, waiting, and another process's memory. */
import { readFile } from 'node:fs/promises'

/** The p-th percentile (nearest rank) of `values`; NaN for an empty list. */
export function percentile (values: number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

export function median (values: number[]): number {
  return percentile(values, 50)
}

/**
 * Standard error of mean(a) / mean(b), a and b independent samples (first-order delta method): how far a ratio of
 * two means taken from a few runs each may sit from the true one by chance alone. NaN with fewer than 2 of either.
 */
export function ratioOfMeansStdError (a: number[], b: number[]): number {
  if (a.length < 2 || b.length < 2) return Number.NaN
  const mean = (xs: number[]): number => xs.reduce((sum, x) => sum + x, 0) / xs.length
  const relVarOfMean = (xs: number[], m: number): number => xs.reduce((sum, x) => sum + (x - m) ** 2, 0) / (xs.length - 1) / xs.length / (m * m)
  const ma = mean(a)
  const mb = mean(b)
  return (ma / mb) * Math.sqrt(relVarOfMean(a, ma) + relVarOfMean(b, mb))
}

export function round (value: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

export async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

/** Polls `test` every `everyMs` until it is true; false if `timeoutMs` passed first. */
export async function waitUntil (test: () => boolean, timeoutMs: number, everyMs = 10): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!test()) {
    if (Date.now() > deadline) return false
    await sleep(everyMs)
  }
  return true
}

/** Resident set size of a process in MiB, from /proc/<pid>/status (VmRSS). Linux only. */
export async function rssMiBOf (pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)
  if (match == null) throw new Error(`no VmRSS for process ${pid}`)
  return Number(match[1]) / 1024
}
