import { resolve } from 'node:path'
import type { Command } from 'commander'
import { defaultDataDir } from '../paths.js'
import { readStatus, type NodeStatus } from '../status.js'

export function registerStatusCommand (program: Command): void {
  program.command('status')
    .description('show a node: peer id, role, addresses, connected peers, capacity table')
    .option('--data <dir>', 'data directory of the node (default: $COCOON_DATA or ~/.cocoon)')
    .option('--json', 'print JSON instead of text')
    .action(async (opts: { data?: string, json?: boolean }) => {
      const data = resolve(opts.data ?? defaultDataDir())
      const status = await readStatus(data)
      if (status == null) throw new Error(`no node has run in ${data} (start one with: cocoon start --role ROLE --data ${data})`)
      process.stdout.write(opts.json === true ? JSON.stringify(status, null, 2) + '\n' : formatStatus(status))
    })
}

export function formatStatus (s: NodeStatus): string {
  const lines = [
    `peer id     ${s.peerId}`,
    `role        ${s.role}`,
    `state       ${s.running ? `running (pid ${s.pid})` : 'stopped'}, updated ${new Date(s.updatedAt).toISOString()}`,
    'addresses',
    ...(s.addresses.length > 0 ? s.addresses.map(a => `  ${a}`) : ['  (none: not listening)']),
    `connected peers (${s.connectedPeers.length})`,
    ...s.connectedPeers.map(p => `  ${p.peerId}  ${p.address}`),
    `capacity table (${s.capacity.length} workers)`,
    ...s.capacity.map(c => `  ${c.peerId}  models=${c.models.join(',')} slots=${c.freeSlots}/${c.slots} queue=${c.queue} ${c.tokensPerSecond.toFixed(1)} tok/s gpu=${c.gpu || 'cpu'} age=${c.ageMs}ms`)
  ]
  for (const [k, v] of Object.entries(s.extra)) lines.push(`${k.padEnd(11)} ${typeof v === 'string' ? v : JSON.stringify(v)}`)
  return lines.join('\n') + '\n'
}
