import { writeFile, access } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { Roles } from '../config.js'
import { loadOrCreateIdentity } from '../identity.js'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { defaultDataDir } from '../paths.js'
import { NodeStore } from '../store.js'

export function registerInitCommand (program: Command): void {
  program.command('init')
    .description('create a data directory: the node identity (libp2p key) and a config.json to edit')
    .option('--data <dir>', 'data directory (default: $COCOON_DATA or ~/.cocoon)')
    .addOption(new Option('--role <role>', 'role to write into config.json').choices(Roles).default('worker'))
    .action(async (opts: { data?: string, role: string }) => {
      const data = resolve(opts.data ?? defaultDataDir())
      const store = await NodeStore.open(data)
      let peerId: string
      let created: boolean
      try {
        const identity = await loadOrCreateIdentity(store)
        peerId = peerIdFromPrivateKey(identity.privateKey).toString()
        created = identity.created
      } finally {
        await store.close()
      }
      const configPath = join(data, 'config.json')
      const exists = await access(configPath).then(() => true, () => false)
      if (!exists) await writeFile(configPath, JSON.stringify({ role: opts.role }, null, 2) + '\n')
      process.stdout.write(`${created ? 'created' : 'kept'} identity ${peerId}\n`)
      process.stdout.write(`data directory: ${data}\n`)
      process.stdout.write(`${exists ? 'kept' : 'wrote'} ${configPath}\n`)
    })
}
