/**
 * The last warnings and errors llama.cpp logged, numbered, so a failed load can quote why it
 * failed: node-llama-cpp reports only "Failed to load model", while llama.cpp logs the cause
 * through the engine's logger just before.
 *
 * Only the first node-llama-cpp Llama a process creates receives llama.cpp's log (3.21.1 does not
 * install the logger of later ones; their lines go to stderr). A worker creates one engine, so it
 * is that first one; an engine created after another in the same process quotes nothing.
 */

/** Lines kept: enough to span one failed load (llama.cpp logs each failure twice, see engine.ts). */
const KEPT_LINES = 32

export class LlamaLogTail {
  private seq = 0
  private readonly lines: Array<{ seq: number, error: boolean, text: string }> = []

  /** Records one log line; `error` for llama.cpp's error and fatal levels, false for warnings. */
  record (error: boolean, text: string): void {
    this.lines.push({ seq: ++this.seq, error, text })
    if (this.lines.length > KEPT_LINES) this.lines.shift()
  }

  /** A mark to pass to `since`: lines recorded after this call. */
  mark (): number {
    return this.seq
  }

  /**
   * Distinct lines recorded after `mark`, oldest first (the cause comes first), at most `max`:
   * the errors, or the warnings when there was no error. A load running at the same time on the
   * same engine may add its own lines; they still come from llama.cpp and say what it refused.
   */
  since (mark: number, max: number): string[] {
    const recent = this.lines.filter(l => l.seq > mark)
    const errors = recent.filter(l => l.error)
    return [...new Set((errors.length > 0 ? errors : recent).map(l => l.text))].slice(0, max)
  }
}
