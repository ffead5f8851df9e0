import { CocoonError, toCocoonError } from '../common/errors.js'
import type { Codec, FrameStream } from '../common/frames.js'
import { MAX_QUEUED_FRAMES } from './constants.js'

/**
 * Reads frames from one side in the background and hands them out one at a time, so the same stream can be
 * watched for Cancel (or a reset) while the caller is busy relaying the other side. `ended` is aborted when the
 * remote closes or resets, which is how a proxy notices that its client went away; its reason is the typed error.
 *
 * At most `maxQueued` frames wait to be taken. Nobody takes frames while an answer is being relayed, so without a
 * bound a client could make the proxy hold any number of (up to 1 MiB) frames for the length of a job; one frame
 * more than the bound ends the conversation with BAD_REQUEST and stops reading.
 */
export class FrameQueue<T> {
  readonly ended = new AbortController()
  private readonly items: T[] = []
  private waiter?: (v: void) => void
  private failure?: CocoonError
  private closed = false

  /** `isCancel`: frames that end the conversation at once (the client's Cancel), whatever the caller is doing. */
  constructor (frames: FrameStream, codec: Codec<T>, isCancel?: (frame: T) => boolean, maxQueued = MAX_QUEUED_FRAMES) {
    void (async () => {
      try {
        while (true) {
          const frame = await frames.readOrEnd(codec, { timeoutMs: 2 ** 31 - 1 })
          if (frame === undefined) break
          if (isCancel?.(frame) === true) {
            this.failure = new CocoonError('CANCELLED', 'cancelled by the client')
            break
          }
          if (this.items.length >= maxQueued) {
            this.failure = new CocoonError('BAD_REQUEST', `more than ${maxQueued} frames sent that the job protocol did not ask for`)
            break
          }
          this.items.push(frame)
          this.wake()
        }
        this.closed = true
      } catch (err) {
        this.failure = toCocoonError(err)
      }
      this.ended.abort(this.endReason)
      this.wake()
    })()
  }

  /** Why the remote side ended (its Cancel, a close, a reset, a protocol violation), as a typed error. */
  get endReason (): CocoonError {
    return this.failure ?? new CocoonError('CANCELLED', 'remote closed the stream')
  }

  /** The next frame, or a typed error on timeout, close or reset. */
  async next (timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs
    while (this.items.length === 0) {
      if (this.failure != null) throw this.failure
      if (this.closed) throw new CocoonError('CANCELLED', `stream closed while waiting for ${what}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new CocoonError('TIMEOUT', `no ${what} within ${timeoutMs} ms`)
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, left)
        this.waiter = () => { clearTimeout(timer); resolve() }
      })
    }
    return this.items.shift() as T
  }

  private wake (): void {
    const w = this.waiter
    this.waiter = undefined
    w?.()
  }
}
