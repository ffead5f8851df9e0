import type { Command } from 'commander'
import { createLogger } from '../logging.js'
import { formatLogLine } from '../network/log-format.js'

export function registerNetworkCommand (program: Command): void {
  program.command('network')
    .description('run a whole local network: a devnet chain, a proxy, workers on the built-in model and an OpenAI-compatible client gateway, each its own process (this is `npm start`)')
    .option('--workers <n>', 'number of workers', '2')
    .option('--http <host:port>', 'where the client gateway listens', '127.0.0.1:8080')
    .option('--dir <dir>', 'parent of every node\'s data directory (kept between runs)', '.cocoon')
    .option('--devnet-port <port>', 'devnet JSON-RPC port', '8081')
    .option('--proxy-port <port>', 'proxy TCP port (fixed so restarts keep the bootstrap address)', '4001')
    .option('--model <id|path>', 'model every worker serves', 'cocoon-tiny')
    .option('--no-sample', 'do not send a sample prompt once the network is up')
    .addHelpText('after', '\nCtrl-C stops every node cleanly; the next run reuses their state under --dir.')
    .action(async (opts: { workers: string, http: string, dir: string, devnetPort: string, proxyPort: string, model: string, sample: boolean }) => {
      const workers = Number(opts.workers)
      if (!Number.isInteger(workers) || workers < 1 || workers > 32) throw new Error('--workers must be an integer from 1 to 32')
      const { samplePrompt, startNetwork } = await import('../network/launcher.js')
      const logger = createLogger({ name: 'network' })
      const color = process.stderr.isTTY === true
      const network = await startNetwork({
        dir: opts.dir,
        workers,
        http: opts.http,
        devnetPort: Number(opts.devnetPort),
        proxyPort: Number(opts.proxyPort),
        model: opts.model,
        logger,
        onLine: ({ name, stream, line }) => {
          if (stream === 'stderr') process.stderr.write(formatLogLine(name, line, color) + '\n')
        }
      })
      let stopping = false
      const shutdown = (): void => {
        if (stopping) process.exit(130)
        stopping = true
        logger.info('stopping every node')
        network.stop().then(() => process.exit(0), () => process.exit(1))
      }
      process.on('SIGINT', shutdown)
      process.on('SIGTERM', shutdown)
      const url = network.gatewayUrl
      process.stdout.write([
        '',
        `Cocoon is up: ${workers} worker(s), one proxy, a devnet chain.`,
        `  OpenAI-compatible API: ${url}/v1`,
        `  bootstrap address:     ${network.proxyAddress}`,
        `  TON endpoint:          ${network.endpoint}   registry: ${network.registry}`,
        '',
        'Try it:',
        `  curl -N ${url}/v1/chat/completions -H 'content-type: application/json' \\`,
        `    -d '{"model":"${opts.model}","stream":true,"messages":[{"role":"user","content":"Hello"}]}'`,
        `  npm run cocoon -- chat --gateway ${url} "Hello"`,
        ''
      ].join('\n') + '\n')
      if (opts.sample) {
        process.stdout.write('Sample prompt "Say hello to the Cocoon network." -> ')
        await samplePrompt(url, opts.model, t => process.stdout.write(t))
        process.stdout.write('\n(the built-in model has random weights: its words are deterministic noise)\n\n')
      }
      process.stdout.write('Press Ctrl-C to stop.\n')
      process.stdout.write(JSON.stringify({ event: 'started', gateway: url, proxy: network.proxyAddress }) + '\n')
    })
}
