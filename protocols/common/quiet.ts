/**
 * Background work held while a job is starting. A job's way to its first token crosses a node's main thread
 * several times (a proxy forwards it, a worker opens it and hands the first token on), and background work that
 * lands there meanwhile (a stream opened to replace a used one, a capacity announcement) delays that token by as
 * long as it runs: with jobs back to back, replacements opened 10 ms after the previous job's end fell right into
 * the next job's first-token window (bench/README.md, session 8). Such work waits until no job is starting, but
 * never longer than `maxHoldMs`.
 */

export interface QuietOptions {
  /** True while this node has a job between its request and its first token. Without it nothing is held. */
  busy?: () => boolean
  /** How often held work checks again. @default QUIET_RETRY_MS */
  retryMs?: number
  /** Longest hold past the due time. @default MAX_QUIET_HOLD_MS */
  maxHoldMs?: number
  /** Let the process exit while the work waits (Node's `unref`). @default false */
  unref?: boolean
}

/** @default 2 ms: a starting job's critical moments are a few ms apart. */
export const QUIET_RETRY_MS = 2

/** @default 100 ms: held longer, replacements and announcements would come late for the work they serve. */
export const MAX_QUIET_HOLD_MS = 100

/** Runs `fn` after `delayMs`, or once no job is starting after that, at most `maxHoldMs` later. */
export function whenQuiet (fn: () => void, delayMs: number, opts: QuietOptions = {}): { cancel: () => void } {
  const retryMs = opts.retryMs ?? QUIET_RETRY_MS
  const maxHoldMs = opts.maxHoldMs ?? MAX_QUIET_HOLD_MS
  let timer: ReturnType<typeof setTimeout> | undefined
  let heldSince: number | undefined
  const arm = (ms: number): void => {
    timer = setTimeout(check, ms)
    if (opts.unref === true) timer.unref?.()
  }
  const check = (): void => {
    const now = performance.now()
    heldSince ??= now
    if (opts.busy?.() === true && now - heldSince < maxHoldMs) {
      arm(retryMs)
      return
    }
    timer = undefined
    fn()
  }
  arm(delayMs)
  return { cancel: () => { clearTimeout(timer) } }
}

/** A node's jobs between their request and their first token: what `busy` above asks about. */
export class StartingJobs {
  private count = 0

  /** A job starts; call the returned function once it has its first token, or ends without one (extra calls do nothing). */
  begin (): () => void {
    this.count++
    let open = true
    return () => {
      if (open) this.count--
      open = false
    }
  }

  get size (): number {
    return this.count
  }

  /** For `QuietOptions.busy`. */
  readonly any = (): boolean => this.count > 0
}
