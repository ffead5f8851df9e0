import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { z } from 'zod'
import { defaultDataDir } from './paths.js'

export const Roles = ['client', 'proxy', 'worker'] as const
export type Role = typeof Roles[number]

const isMultiaddr = (s: string): boolean => { try { multiaddr(s); return true } catch { return false } }
const Multiaddr = z.string().refine(isMultiaddr, { message: 'not a valid multiaddr (e.g. /ip4/127.0.0.1/tcp/4001)' })
const HostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, { message: 'expected HOST:PORT, e.g. 127.0.0.1:8080' })
const Url = z.string().url({ message: 'expected a URL, e.g. http://127.0.0.1:8081' })
/** `taskset -c` syntax (see cpu-affinity.ts). */
export const CPU_LIST = /^\d{1,4}(-\d{1,4})?(,\d{1,4}(-\d{1,4})?)*$/
const CpuList = z.string().regex(CPU_LIST, { message: 'expected CPU numbers and ranges, e.g. 1 or 0,2-3' })

// One message per numeric field, whatever part of the rule a value breaks, so the one-line error says what fits.
const PRICE_RULE = { message: 'must be a whole number of nanoTON per token, 0 or more' }
const SLOTS_RULE = { message: 'must be a whole number from 1 to 256' }

/** Everything `cocoon start` accepts, from a config file, `COCOON_*` variables and flags (in rising priority). */
export const NodeConfigSchema = z.object({
  role: z.enum(Roles, { message: 'must be client, proxy or worker' }),
  data: z.string().min(1),
  listen: z.array(Multiaddr).optional(),
  announce: z.array(Multiaddr).default([]),
  bootstrap: z.array(Multiaddr).default([]),
  ton: Url.optional(),
  tonApiKey: z.string().optional(),
  registry: z.string().optional(),
  model: z.array(z.string().min(1)).default([]),
  price: z.coerce.bigint(PRICE_RULE).nonnegative(PRICE_RULE).default(1000n),
  slots: z.coerce.number(SLOTS_RULE).int(SLOTS_RULE).min(1, SLOTS_RULE).max(256, SLOTS_RULE).optional(),
  http: HostPort.optional(),
  apiKey: z.string().min(8, { message: 'must be at least 8 characters' }).optional(),
  metrics: HostPort.optional(),
  devTee: z.string().optional(),
  pccs: Url.optional(),
  payout: z.string().optional(),
  cpus: CpuList.optional(),
  engineCpus: CpuList.optional()
}).strict()

export type NodeConfig = z.infer<typeof NodeConfigSchema>

/** Keys that take several values: repeated flags, JSON arrays in a file, commas in an environment variable. */
const LIST_KEYS = new Set(['listen', 'announce', 'bootstrap', 'model'])

export class ConfigError extends Error {
  static override readonly name = 'ConfigError'
  override readonly name = 'ConfigError'
  readonly code = 'CONFIG'
}

/** Reads `COCOON_<FIELD>` for every schema field (camelCase -> UPPER_SNAKE). */
export function configFromEnv (env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(NodeConfigSchema.shape)) {
    const name = 'COCOON_' + key.replace(/[A-Z]/g, c => '_' + c).toUpperCase()
    const value = env[name]
    if (value == null || value === '') continue
    out[key] = LIST_KEYS.has(key) ? value.split(',').map(s => s.trim()).filter(s => s !== '') : value
  }
  return out
}

async function configFromFile (path: string, required: boolean): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`)
  }
  try {
    const parsed = JSON.parse(text)
    if (parsed == null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object')
    return parsed
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`)
  }
}

/** Turns zod's issues into one line naming the field, e.g. `bootstrap[0]: not a valid multiaddr`. */
export function formatConfigError (error: z.ZodError): string {
  return error.issues.map(issue => {
    const path = issue.path.map((p, i) => typeof p === 'number' ? `[${p}]` : (i === 0 ? String(p) : `.${String(p)}`)).join('')
    return `${path === '' ? 'config' : path}: ${issue.message}`
  }).join('; ')
}

function drop (o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)))
}

/**
 * Merges defaults < config file (`--config FILE`, else `<data>/config.json` if present) < environment < flags,
 * then validates. A bad value is one ConfigError line naming the field.
 */
export async function loadConfig (flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Promise<NodeConfig> {
  const fromEnv = configFromEnv(env)
  const { config: configPath, ...flagValues } = drop(flags) as { config?: string } & Record<string, unknown>
  const data = resolve(String(flagValues.data ?? fromEnv.data ?? defaultDataDir()))
  const fromFile = await configFromFile(configPath ?? join(data, 'config.json'), configPath != null)
  const merged = { ...fromFile, ...fromEnv, ...flagValues, data }
  const result = NodeConfigSchema.safeParse(merged)
  if (!result.success) throw new ConfigError(`invalid configuration: ${formatConfigError(result.error)}`)
  if (result.data.engineCpus != null && result.data.role !== 'worker') throw new ConfigError(`invalid configuration: engineCpus: only a worker runs an inference engine (this is a ${result.data.role}; --cpus pins a whole node)`)
  return result.data
}

/** Splits a validated `HOST:PORT` value (see the config schema) into its parts. */
export function splitHostPort (value: string): { host: string, port: number } {
  const i = value.lastIndexOf(':')
  return { host: value.slice(0, i), port: Number(value.slice(i + 1)) }
}

/** Where a role listens when not told: servers on a random loopback port, clients nowhere (DHT client mode). */
export function defaultListen (role: Role): string[] {
  return role === 'client' ? [] : ['/ip4/127.0.0.1/tcp/0']
}
