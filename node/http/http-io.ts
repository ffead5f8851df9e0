/**
 * Small node:http helpers: bounded JSON body reading, JSON and error replies, and a
 * Server-Sent-Events writer with backpressure.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { BodyTooLargeError, InvalidRequestBodyError, type DescribedError } from './errors.js'

/** Reads and parses a JSON body, refusing more than `limit` bytes without buffering them. */
export async function readJsonBody (req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new BodyTooLargeError(limit)
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') throw new InvalidRequestBodyError('request body is empty; expected a JSON object')
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new InvalidRequestBodyError(`request body is not valid JSON: ${(err as Error).message}`)
  }
}

export function sendJson (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(payload)),
    ...headers
  })
  res.end(payload)
}

export function sendError (res: ServerResponse, described: DescribedError, headers: Record<string, string> = {}): void {
  if (described.retryAfterSeconds != null) headers = { ...headers, 'Retry-After': String(described.retryAfterSeconds) }
  sendJson(res, described.status, described.body, headers)
}

/**
 * Writes `data: <json>\n\n` events. Each send waits for the socket to drain when the kernel
 * buffer is full, so a slow reader slows the job instead of growing memory; it returns at once
 * if the client has gone (the caller learns that from its abort signal).
 */
export class SseWriter {
  private readonly res: ServerResponse

  constructor (res: ServerResponse) {
    this.res = res
  }

  get closed (): boolean {
    return this.res.destroyed || this.res.writableEnded
  }

  start (headers: Record<string, string> = {}): void {
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      // tells nginx-style reverse proxies not to buffer the stream
      'X-Accel-Buffering': 'no',
      ...headers
    })
    this.res.flushHeaders()
  }

  async send (data: object | string): Promise<void> {
    if (this.closed) return
    const line = `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`
    if (this.res.write(line)) return
    await new Promise<void>(resolve => {
      const done = (): void => {
        this.res.off('drain', done)
        this.res.off('close', done)
        resolve()
      }
      this.res.on('drain', done)
      this.res.on('close', done)
    })
  }

  end (): void {
    if (!this.closed) this.res.end()
  }
}
