/**
 * The OpenAI-compatible HTTP gateway of a client node: node:http, no framework.
 *
 *   GET  /healthz               liveness for launchers (no auth)
 *   GET  /v1/models             models the network serves
 *   GET  /v1/models/{id}        one of them, or 404
 *   POST /v1/chat/completions   chat, whole or streamed (SSE)
 *   POST /v1/completions        legacy text completion, whole or streamed
 *
 * Every request gets its own AbortController, aborted when the client disconnects before the
 * response ended or when the gateway closes; the backend receives its signal and cancels the job.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { isIP } from 'node:net'
import type { Logger } from 'pino'
import { CocoonError } from '../../protocols/common/errors.js'
import { silentLogger } from '../logging.js'
import { serveCompletion } from './completion-handler.js'
import { CLOSE_GRACE_MS, DEFAULT_HOST, DEFAULT_PORT, MAX_BODY_BYTES } from './constants.js'
import { describeError, MethodNotAllowedError, RouteNotFoundError, UnauthorizedError } from './errors.js'
import { readJsonBody, sendError, sendJson } from './http-io.js'
import { chatFormat, completionFormat, modelList, modelObject } from './openai-shapes.js'
import { parseChatCompletionBody, parseCompletionBody } from './schemas.js'
import type { ChatBackend } from './backend.js'

export interface GatewayOptions {
  backend: ChatBackend
  /** @default '127.0.0.1' — anything else exposes the node's wallet to the network; say so explicitly. */
  host?: string
  /** 0 picks a free port. @default 8080 */
  port?: number
  /** When set, every /v1 request must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string
  logger?: Logger
  /** @default MAX_BODY_BYTES (4 MiB) */
  maxBodyBytes?: number
  /** Milliseconds since the epoch, for `created` fields. @default Date.now */
  clock?: () => number
}

export interface Gateway {
  /** Base URL, e.g. `http://127.0.0.1:8080`; OpenAI clients use `${url}/v1`. */
  url: string
  /** Stops accepting requests, cancels running jobs, and resolves when the server is down. */
  close (): Promise<void>
}

interface GatewayContext {
  backend: ChatBackend
  logger: Logger
  maxBodyBytes: number
  clock: () => number
  checkKey: ((header: string | undefined) => boolean) | null
}

export async function startGateway (options: GatewayOptions): Promise<Gateway> {
  const host = options.host ?? DEFAULT_HOST
  const logger = options.logger ?? silentLogger
  if (options.apiKey === '') throw new CocoonError('BAD_REQUEST', 'apiKey must not be empty (leave it out for no auth)')
  const ctx: GatewayContext = {
    backend: options.backend,
    logger,
    maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES,
    clock: options.clock ?? Date.now,
    checkKey: options.apiKey != null ? bearerChecker(options.apiKey) : null
  }
  const active = new Set<AbortController>()
  let closing: Promise<void> | null = null
  const server = createServer({ noDelay: true }, (req, res) => {
    const controller = new AbortController()
    active.add(controller)
    res.on('close', () => {
      active.delete(controller)
      if (!res.writableFinished) controller.abort(new CocoonError('CANCELLED', 'client disconnected'))
      // while closing, a keep-alive connection whose last response just ended must not hold the server open
      if (closing != null) setImmediate(() => { server.closeIdleConnections() })
    })
    handleRequest(ctx, req, res, controller.signal).catch((err: unknown) => {
      logger.error({ err }, 'gateway request handler failed')
      if (!res.headersSent && !res.destroyed) sendError(res, describeError(err))
      else res.destroy()
    })
  })
  await listen(server, options.port ?? DEFAULT_PORT, host)
  const address = server.address()
  const port = typeof address === 'object' && address != null ? address.port : options.port ?? DEFAULT_PORT
  const url = `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`
  if (!isLoopback(host) && options.apiKey == null) {
    logger.warn({ host }, 'gateway listens beyond loopback without an API key: anyone who reaches it spends this node\'s funds')
  }
  logger.info({ url, auth: options.apiKey != null }, 'OpenAI-compatible gateway listening')

  return {
    url,
    close: async () => {
      closing ??= shutdown(server, active, logger)
      await closing
    }
  }
}

async function handleRequest (ctx: GatewayContext, req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const started = performance.now()
  const method = req.method ?? 'GET'
  const path = new URL(req.url ?? '/', 'http://gateway').pathname.replace(/\/+$/, '') || '/'
  try {
    await route(ctx, req, res, signal, method, path)
  } catch (err) {
    const described = describeError(err)
    if (described.unexpected) ctx.logger.error({ err, method, path }, 'request failed')
    if (!res.headersSent && !res.destroyed) {
      const headers: Record<string, string> = {}
      if (err instanceof MethodNotAllowedError) headers.Allow = err.allow.join(', ')
      if (err instanceof UnauthorizedError) headers['WWW-Authenticate'] = 'Bearer'
      // a body we stopped reading cannot be drained cheaply: drop the connection after replying
      if (!req.complete) headers.Connection = 'close'
      sendError(res, described, headers)
    }
  } finally {
    ctx.logger.debug({ method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'http request')
  }
}

async function route (ctx: GatewayContext, req: IncomingMessage, res: ServerResponse, signal: AbortSignal, method: string, path: string): Promise<void> {
  if (path === '/healthz') {
    allow(method, path, ['GET', 'HEAD'])
    sendJson(res, 200, { status: 'ok' })
    return
  }
  if (path !== '/v1' && !path.startsWith('/v1/')) throw new RouteNotFoundError(method, path)
  if (ctx.checkKey != null && !ctx.checkKey(req.headers.authorization)) throw new UnauthorizedError()

  if (path === '/v1/models') {
    allow(method, path, ['GET'])
    sendJson(res, 200, modelList(await ctx.backend.models()))
    return
  }
  if (path.startsWith('/v1/models/')) {
    allow(method, path, ['GET'])
    const id = decodeURIComponent(path.slice('/v1/models/'.length))
    const model = (await ctx.backend.models()).find(m => m.id === id)
    if (model == null) throw new CocoonError('UNKNOWN_MODEL', `model '${id}' is not served by the network`)
    sendJson(res, 200, modelObject(model))
    return
  }
  if (path === '/v1/chat/completions' || path === '/v1/completions') {
    allow(method, path, ['POST'])
    const body = await readJsonBody(req, ctx.maxBodyBytes)
    const chat = path === '/v1/chat/completions'
    const parsed = chat ? parseChatCompletionBody(body) : parseCompletionBody(body)
    const makeFormat = chat ? chatFormat : completionFormat
    const format = makeFormat(parsed.request.model, ctx.clock(), parsed.includeUsage)
    await serveCompletion({ backend: ctx.backend, parsed, format, signal, res, logger: ctx.logger.child({ id: format.identity.id }) })
    return
  }
  throw new RouteNotFoundError(method, path)
}

function allow (method: string, path: string, methods: string[]): void {
  if (!methods.includes(method)) throw new MethodNotAllowedError(method, path, methods)
}

/** Compares hashes in constant time, so response timing says nothing about the key. */
function bearerChecker (apiKey: string): (header: string | undefined) => boolean {
  const expected = createHash('sha256').update(apiKey).digest()
  return header => {
    const match = /^Bearer\s+(.+)$/i.exec(header ?? '')
    if (match == null) return false
    return timingSafeEqual(createHash('sha256').update(match[1].trim()).digest(), expected)
  }
}

function isLoopback (host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.')
}

async function listen (server: Server, port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => { reject(new CocoonError('INTERNAL', `cannot listen on ${host}:${port}: ${err.message}`, { host, port }, { cause: err })) }
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve()
    })
  })
}

async function shutdown (server: Server, active: Set<AbortController>, logger: Logger): Promise<void> {
  const closed = new Promise<void>(resolve => server.close(() => { resolve() }))
  for (const controller of active) controller.abort(new CocoonError('CANCELLED', 'gateway is shutting down'))
  server.closeIdleConnections()
  // aborted jobs write their last event and end; give them a moment, then drop what is left
  const timer = setTimeout(() => { server.closeAllConnections() }, CLOSE_GRACE_MS)
  timer.unref()
  await closed
  clearTimeout(timer)
  logger.info('gateway closed')
}
