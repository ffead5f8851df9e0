import type { Command } from 'commander'
import { Roles } from '../config.js'

const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

/** `--data` and `--config`, shared by every command that works on a node's data directory. */
export function addDataOptions (cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'data directory (default: $COCOON_DATA or ~/.cocoon)')
    .option('--config <file>', 'JSON config file (default: <data>/config.json if present)')
}

/** Every node flag; each also reads COCOON_<NAME> from the environment and the config file. */
export function addNodeOptions (cmd: Command): Command {
  return addDataOptions(cmd)
    // No .choices(): the config schema checks the role from every source alike, in one line naming the field.
    .option('--role <role>', `which services to run: ${Roles.join(', ')}`)
    .option('--listen <multiaddr>', 'address to listen on, repeatable (default: /ip4/127.0.0.1/tcp/0; clients: none)', collect)
    .option('--announce <multiaddr>', 'address to announce to peers, repeatable', collect)
    .option('--bootstrap <multiaddr>', 'peer to join the network through, repeatable (/ip4/.../tcp/.../p2p/<peerId>)', collect)
    .option('--ton <url>', 'TON JSON-RPC endpoint (toncenter v2 API; `cocoon devnet` serves one)')
    .option('--ton-api-key <key>', 'API key for the TON endpoint')
    .option('--registry <address>', 'address of the Cocoon registry contract')
    .option('--model <id|path>', 'worker: model to serve, a catalog id or a GGUF path, repeatable (default: cocoon-tiny)', collect)
    .option('--price <nanoton>', 'worker: price per generated token in nanoTON')
    .option('--slots <n>', 'worker: concurrent jobs per model')
    .option('--http <host:port>', 'client: serve the OpenAI-compatible API here (e.g. 127.0.0.1:8080)')
    .option('--api-key <key>', 'client: require this bearer token on the HTTP API')
    .option('--metrics <host:port>', 'serve Prometheus metrics here')
    .option('--cpus <list>', 'run only on these CPUs, e.g. 1 or 0,2-3 (Linux, needs taskset)')
    .option('--engine-cpus <list>', 'worker: run the inference engine (its thread and decode threads) on these CPUs, the networking elsewhere (Linux, needs taskset; a small model decodes faster on a core of its own)')
    .option('--payout <address>', 'worker: TON address that receives earnings (default: the node wallet)')
    .option('--dev-tee <dir>', 'worker: use the development TEE (test attestation authority) in this directory')
    .option('--pccs <url>', 'worker in a TDX guest: PCCS or Intel PCS that serves quote collateral (default: Intel PCS)')
}
