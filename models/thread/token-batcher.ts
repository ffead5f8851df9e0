/**
 * Batches a generation's token texts into messages: the first goes at once, later ones at most once per
 * `intervalMs` after the last send; `finish()` hands back whatever is still held. The engine thread sends each
 * batch to the main thread, whose wake-up (on another core, where the node's networking runs) is the cost paid
 * per message: at thousands of tokens/s one message per token would spend the engine's core on wake-ups, while a
 * model slower than one token per `intervalMs` sends every token as it comes.
 */
export interface TokenBatcherInit {
  intervalMs: number
  send: (text: string) => void
  /** @default performance.now */
  now?: () => number
  /** @default setTimeout / clearTimeout */
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (timer: unknown) => void
}

export class TokenBatcher {
  private held = ''
  private lastSent = -Infinity
  private timer: unknown
  private readonly init: Required<TokenBatcherInit>

  constructor (init: TokenBatcherInit) {
    this.init = {
      now: () => performance.now(),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => { clearTimeout(t as ReturnType<typeof setTimeout>) },
      ...init
    }
  }

  push (text: string): void {
    if (text === '') return
    this.held += text
    if (this.timer != null) return
    const wait = this.lastSent + this.init.intervalMs - this.init.now()
    if (wait <= 0) {
      this.flush()
      return
    }
    this.timer = this.init.setTimer(() => {
      this.timer = undefined
      this.flush()
    }, wait)
  }

  /** Stops the timer and returns the text not sent yet (the caller sends it with the end). */
  finish (): string {
    if (this.timer != null) this.init.clearTimer(this.timer)
    this.timer = undefined
    const rest = this.held
    this.held = ''
    return rest
  }

  private flush (): void {
    if (this.held === '') return
    const text = this.held
    this.held = ''
    this.lastSent = this.init.now()
    this.init.send(text)
  }
}
