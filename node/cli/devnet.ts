import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { DEVNET_HOST, DEVNET_PORT } from '../../contracts/constants.js'
import { createLogger } from '../logging.js'
import { defaultDataDir } from '../paths.js'
import { watchLauncher } from './launcher-watch.js'

interface DevnetFlags { port: string, host: string, data?: string }

/** `cocoon devnet`: the TON emulator as a local chain with the registry deployed. */
export function registerDevnetCommand (program: Command): void {
  program
    .command('devnet')
    .description('run a local TON chain (emulator) behind the toncenter v2 JSON-RPC API, with the Cocoon registry deployed')
    .option('--port <port>', 'TCP port for JSON-RPC', String(DEVNET_PORT))
    .option('--host <host>', 'address to bind (keep 127.0.0.1 unless others must reach it)', DEVNET_HOST)
    .option('--data <dir>', 'where chain state is kept (default: <COCOON_DATA or ~/.cocoon>/devnet)')
    .addHelpText('after', `
The chain state is saved after every transaction and restored on the next start, so the
registry, its entries and every balance survive a restart. On first start the registry is
deployed and an admin wallet is created and funded; <data>/devnet.json holds the URL,
registry address and admin mnemonic for other local processes.

JSON-RPC methods: getAddressInformation, runGetMethod, sendBoc, getTransactions,
getMasterchainInfo, estimateFee, and the devnet-only
  faucet {"address": "<address>", "amount": "<nanoTON>"}   (at most 100000 TON a call)

Point nodes at it with: --ton http://127.0.0.1:8081/jsonRPC --registry <address>`)
    .action(async (flags: DevnetFlags) => {
      const port = Number(flags.port)
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        process.stderr.write(`cocoon devnet: invalid --port ${flags.port}\n`)
        process.exitCode = 1
        return
      }
      const dataDir = flags.data != null ? resolve(flags.data) : join(defaultDataDir(), 'devnet')
      const logger = createLogger({ name: 'devnet' })
      let devnet
      try {
        const { startDevnet } = await import('../../contracts/devnet/devnet.js')
        devnet = await startDevnet({ host: flags.host, port, dataDir, logger })
      } catch (err) {
        process.stderr.write(`cocoon devnet: ${(err as Error).message}\n`)
        process.exitCode = 1
        return
      }
      process.stdout.write([
        `endpoint:  ${devnet.url}`,
        `registry:  ${devnet.registryAddress}`,
        `admin:     ${devnet.adminAddress}`,
        `state:     ${dataDir}`,
        ''
      ].join('\n'))
      await new Promise<void>(resolve => {
        const stop = (): void => { resolve() }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
        watchLauncher(stop)
      })
      await devnet.stop()
      logger.info('devnet stopped')
    })
}
