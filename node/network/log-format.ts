/** Turns one child's pino JSON line into one readable line of the combined log. */
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' }
const COLORS: Record<number, string> = { 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[31m' }
const SKIP = new Set(['level', 'time', 'msg', 'name', 'pid', 'hostname'])

export function formatLogLine (name: string, line: string, color: boolean): string {
  let rec: Record<string, unknown>
  try {
    rec = JSON.parse(line)
  } catch {
    return `${name.padEnd(9)} ${line}`
  }
  if (rec == null || typeof rec !== 'object' || typeof rec.msg !== 'string') return `${name.padEnd(9)} ${line}`
  const level = typeof rec.level === 'number' ? rec.level : 30
  const time = new Date(typeof rec.time === 'number' ? rec.time : Date.now()).toISOString().slice(11, 23)
  const fields = Object.entries(rec).filter(([k]) => !SKIP.has(k)).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')
  const text = `${time} ${name.padEnd(9)} ${LEVELS[level] ?? 'INFO '} ${rec.msg}${fields === '' ? '' : '  ' + fields}`
  const c = color ? COLORS[level] : undefined
  return c == null ? text : `${c}${text}\x1b[0m`
}
