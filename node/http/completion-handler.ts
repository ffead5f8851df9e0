/**
 * Runs one chat or text completion against the backend and answers it, streamed (SSE) or whole.
 *
 * A streamed response sends its headers only when the backend produced its first event, so an
 * error raised before any token (unknown model, no capacity, rate limited...) still gets its
 * proper HTTP status. Errors after that point go out as a last `data: {"error": ...}` event,
 * which the OpenAI SDKs raise as an APIError.
 */
import type { ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import { CocoonError } from '../../protocols/common/errors.js'
import { describeError } from './errors.js'
import { sendError, sendJson, SseWriter } from './http-io.js'
import type { ChatBackend, ChatEvent } from './backend.js'
import type { DoneEvent, ResponseFormat } from './openai-shapes.js'
import type { ParsedRequest } from './schemas.js'

export interface CompletionJob {
  backend: ChatBackend
  parsed: ParsedRequest
  format: ResponseFormat & { identity: { id: string } }
  /** Aborted when the client disconnects or the gateway closes; handed to the backend. */
  signal: AbortSignal
  res: ServerResponse
  logger: Logger
}

export async function serveCompletion (job: CompletionJob): Promise<void> {
  const { backend, parsed, signal, logger } = job
  const iterator = backend.chat(parsed.request, signal)[Symbol.asyncIterator]()
  try {
    if (parsed.stream) await streamResponse(job, iterator)
    else await wholeResponse(job, iterator)
  } finally {
    // stop a generator we left early (client gone, after `done`) so it runs its cleanup;
    // a no-op on one that already finished or threw
    await Promise.resolve().then(async () => await iterator.return?.()).catch((err: unknown) => { logger.debug({ err }, 'backend iterator return failed') })
  }
}

async function wholeResponse (job: CompletionJob, iterator: AsyncIterator<ChatEvent>): Promise<void> {
  const { res, format, signal } = job
  let text = ''
  try {
    for (;;) {
      const event = await nextEvent(iterator, signal)
      if (event.type === 'token') {
        text += event.text
        continue
      }
      sendJson(res, 200, format.full(text, event), { 'X-Request-Id': format.identity.id })
      return
    }
  } catch (err) {
    if (!res.destroyed && !res.headersSent) sendError(res, describeAndLog(job, err))
    else job.logger.debug({ err }, 'completion ended after the client left')
  }
}

async function streamResponse (job: CompletionJob, iterator: AsyncIterator<ChatEvent>): Promise<void> {
  const { res, format, signal, parsed } = job
  const sse = new SseWriter(res)
  let event: ChatEvent
  try {
    event = await nextEvent(iterator, signal)
  } catch (err) {
    if (!res.destroyed) sendError(res, describeAndLog(job, err))
    return
  }
  sse.start({ 'X-Request-Id': format.identity.id })
  try {
    const opening = format.opening()
    if (opening != null) await sse.send(opening)
    for (;;) {
      if (sse.closed) return
      if (event.type === 'done') {
        await finishStream(sse, format, event, parsed.includeUsage)
        return
      }
      await sse.send(format.token(event.text))
      event = await nextEvent(iterator, signal)
    }
  } catch (err) {
    if (sse.closed) {
      job.logger.debug({ err }, 'stream ended after the client left')
      return
    }
    await sse.send(describeAndLog(job, err).body)
    sse.end()
  }
}

async function finishStream (sse: SseWriter, format: ResponseFormat, done: DoneEvent, includeUsage: boolean): Promise<void> {
  await sse.send(format.closing(done))
  if (includeUsage) await sse.send(format.usage(done))
  await sse.send('[DONE]')
  sse.end()
}

/** The next event; a backend that ends without a `done` event broke its contract. */
async function nextEvent (iterator: AsyncIterator<ChatEvent>, signal: AbortSignal): Promise<ChatEvent> {
  const result = await iterator.next()
  if (result.done === true) {
    if (signal.aborted) throw new CocoonError('CANCELLED', 'request cancelled')
    throw new CocoonError('INTERNAL', 'backend ended the job without a final event')
  }
  return result.value
}

function describeAndLog (job: CompletionJob, err: unknown): ReturnType<typeof describeError> {
  // once our signal fired, whatever the backend threw (often a bare AbortError) means "cancelled
  // for this reason": report the reason (client gone, gateway closing)
  if (job.signal.aborted) err = job.signal.reason
  const described = describeError(err)
  const fields = { status: described.status, code: described.body.error.code, id: job.format.identity.id }
  // An expected refusal (unknown model, no capacity, a cancelled request) is the request's outcome: its message
  // says it all. Only an unexpected failure is logged with its stack.
  if (described.unexpected) job.logger.error({ ...fields, err }, 'completion failed unexpectedly')
  else job.logger.info({ ...fields, err: described.body.error.message }, 'completion failed')
  return described
}
