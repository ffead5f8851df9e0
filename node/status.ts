import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** What `cocoon status` shows; a running node rewrites it to `<data>/status.json` every few seconds. */
export interface NodeStatus {
  peerId: string
  role: string
  pid: number
  running: boolean
  startedAt: number
  updatedAt: number
  addresses: string[]
  connectedPeers: Array<{ peerId: string, address: string }>
  capacity: Array<{
    peerId: string
    models: string[]
    slots: number
    freeSlots: number
    queue: number
    tokensPerSecond: number
    gpu: string
    ageMs: number
  }>
  /** Role-specific facts (gateway URL, models served, jobs done...). */
  extra: Record<string, unknown>
}

export const STATUS_FILE = 'status.json'

export async function writeStatus (dataDir: string, status: NodeStatus): Promise<void> {
  const path = join(dataDir, STATUS_FILE)
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(status, null, 2))
  await rename(tmp, path)
}

/** The last status a node wrote, with `running` corrected if its process is gone. */
export async function readStatus (dataDir: string): Promise<NodeStatus | undefined> {
  let status: NodeStatus
  try {
    status = JSON.parse(await readFile(join(dataDir, STATUS_FILE), 'utf8'))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  if (status.running && !processAlive(status.pid)) status.running = false
  return status
}

function processAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
