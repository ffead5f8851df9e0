import type { Command } from 'commander'
import { loadConfig } from '../config.js'
import { pinToCpus } from '../cpu-affinity.js'
import { createLogger } from '../logging.js'
import { watchLauncher } from './launcher-watch.js'
import { addNodeOptions } from './options.js'

export function registerStartCommand (program: Command): void {
  addNodeOptions(program.command('start'))
    .description('run a node as client, proxy or worker until Ctrl-C (every flag also reads COCOON_<FLAG> and the config file)')
    .addHelpText('after', `
Examples:
  cocoon start --role proxy  --data ./p  --listen /ip4/127.0.0.1/tcp/4001
  cocoon start --role worker --data ./w1 --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/<proxyPeerId> --model cocoon-tiny
  cocoon start --role client --data ./c  --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/<proxyPeerId> --http 127.0.0.1:8080`)
    .action(async (opts: Record<string, unknown>) => {
      const config = await loadConfig(opts)
      // Before libp2p and the engine start their threads, so that every one of them inherits the mask.
      if (config.cpus != null) pinToCpus(config.cpus)
      // Loaded here, not at the top: `cocoon --help` and light commands should not pay for libp2p, TON and llama.
      const { CocoonNode } = await import('../create-node.js')
      const { roleFactory } = await import('../roles/index.js')
      const logger = createLogger({ name: config.role })
      if (config.cpus != null) logger.info({ cpus: config.cpus }, 'running on these CPUs only')
      const node = await CocoonNode.init(config, { logger, roleFactory: roleFactory(config.role) })
      let stopping = false
      const shutdown = (signal: string): void => {
        if (stopping) {
          logger.warn('second signal: exiting now')
          process.exit(130)
        }
        stopping = true
        logger.info({ signal }, 'shutting down')
        node.stop().then(() => process.exit(0), (err) => {
          logger.error({ err: (err as Error).message }, 'shutdown failed')
          process.exit(1)
        })
      }
      process.on('SIGINT', () => shutdown('SIGINT'))
      process.on('SIGTERM', () => shutdown('SIGTERM'))
      watchLauncher(() => shutdown('launcher gone'))
      try {
        await node.start()
      } catch (err) {
        await node.stop()
        throw err
      }
      // One machine-readable line on stdout for launchers and tests; logs go to stderr.
      const status = node.status()
      process.stdout.write(JSON.stringify({ event: 'started', role: status.role, peerId: status.peerId, addresses: status.addresses, ...status.extra }) + '\n')
    })
}
