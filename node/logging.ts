import { pino, type Logger } from 'pino'

export type { Logger }

export interface LoggerOptions {
  /** Component name put on every line, e.g. `worker-1` or `devnet`. */
  name?: string
  /** @default process.env.COCOON_LOG_LEVEL ?? 'info' */
  level?: string
  /** Pretty, coloured lines. @default whether stderr is a TTY */
  pretty?: boolean
}

/**
 * The one way node/ makes a logger: pino, human-readable on a terminal and JSON lines
 * otherwise (so `cocoon network` can merge child logs and operators can ship them).
 * Logs go to stderr; stdout is kept for command output such as `cocoon status --json`.
 */
export function createLogger (options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.COCOON_LOG_LEVEL ?? 'info'
  const pretty = options.pretty ?? process.stderr.isTTY === true
  if (pretty) {
    return pino({
      name: options.name,
      level,
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' } }
    })
  }
  return pino({ name: options.name, level, base: { name: options.name } }, pino.destination({ fd: 2, sync: false }))
}

/** A logger that drops everything; the default for library code nobody gave a logger. */
export { silentLogger } from '../protocols/common/silent-logger.js'
