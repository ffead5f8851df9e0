/**
 * Finds stop sequences in streamed text. Text that might be the start of a stop sequence is held
 * back until the next chunk shows whether it is one, so a stop sequence is never sent, even when
 * it arrives split across tokens. Pure: no I/O, no engine.
 */
export interface StopMatchResult {
  /** Text safe to send now. */
  text: string
  /** A stop sequence was found; `text` ends right before it and nothing more should be sent. */
  stopped: boolean
}

export class StopMatcher {
  private readonly stops: string[]
  private held = ''

  constructor (stops: readonly string[]) {
    this.stops = stops.filter(s => s.length > 0)
  }

  push (chunk: string): StopMatchResult {
    const text = this.held + chunk
    if (this.stops.length === 0) {
      this.held = ''
      return { text, stopped: false }
    }
    let first = -1
    for (const stop of this.stops) {
      const at = text.indexOf(stop)
      if (at !== -1 && (first === -1 || at < first)) first = at
    }
    if (first !== -1) {
      this.held = ''
      return { text: text.slice(0, first), stopped: true }
    }
    const keep = this.longestStopPrefixSuffix(text)
    this.held = text.slice(text.length - keep)
    return { text: text.slice(0, text.length - keep), stopped: false }
  }

  /** Text still held back; call when generation ends without a stop. */
  flush (): string {
    const rest = this.held
    this.held = ''
    return rest
  }

  /** Length of the longest suffix of `text` that is a proper prefix of some stop sequence. */
  private longestStopPrefixSuffix (text: string): number {
    let best = 0
    for (const stop of this.stops) {
      const max = Math.min(stop.length - 1, text.length)
      for (let n = max; n > best; n--) {
        if (text.endsWith(stop.slice(0, n))) { best = n; break }
      }
    }
    return best
  }
}
