import { pino, type Logger } from 'pino'

/**
 * The logger of anything given none. One for the process: building a pino logger costs ~0.3 ms here (pino looks up
 * its caller's stack each time), and a FrameStream that built its own paid that on every job, on every hop.
 */
export const silentLogger: Logger = pino({ level: 'silent' })
