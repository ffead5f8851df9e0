import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { peerIdFromString } from '@libp2p/peer-id'
import { defaultDataDir } from '../paths.js'

/** The flags every `cocoon registry` subcommand takes to find the chain, the registry and the admin key. */
export interface RegistryTargetFlags {
  devnet?: string
  ton?: string
  tonApiKey?: string
  registry?: string
  adminMnemonicFile?: string
}

export interface RegistryTarget {
  endpoint: string
  apiKey?: string
  registry: string
  /** Only when the command needs it (admin operations). */
  adminMnemonic?: string[]
}

export function addRegistryTargetOptions (cmd: Command): Command {
  return cmd
    .option('--devnet <dir>', 'a local devnet\'s data directory: endpoint, registry and admin key come from its devnet.json (default: <COCOON_DATA or ~/.cocoon>/devnet)')
    .option('--ton <url>', 'TON JSON-RPC endpoint (overrides the devnet\'s)')
    .option('--ton-api-key <key>', 'API key for the TON endpoint')
    .option('--registry <address>', 'registry contract address (overrides the devnet\'s)')
    .option('--admin-mnemonic-file <file>', 'file holding the registry admin wallet\'s 24 words (default on a devnet: the one in devnet.json)')
}

/**
 * Where a registry command acts: explicit flags first, the devnet's devnet.json for whatever they leave out. A real
 * chain needs --ton, --registry and (for admin operations) --admin-mnemonic-file.
 */
export async function resolveRegistryTarget (flags: RegistryTargetFlags, needAdmin: boolean): Promise<RegistryTarget> {
  const devnetDir = flags.devnet != null ? resolve(flags.devnet) : join(defaultDataDir(), 'devnet')
  const needDevnet = flags.ton == null || flags.registry == null || (needAdmin && flags.adminMnemonicFile == null)
  // loaded on use: the devnet module carries the emulator, which `cocoon --help` should not load
  const devnet = needDevnet ? await (await import('../../contracts/devnet/devnet.js')).readDevnetInfo(devnetDir) : null
  if (needDevnet && devnet == null) {
    throw new Error(`no devnet.json in ${devnetDir}: start \`cocoon devnet\` there, or give --ton, --registry${needAdmin ? ' and --admin-mnemonic-file' : ''}`)
  }
  const target: RegistryTarget = {
    endpoint: flags.ton ?? devnet!.url,
    apiKey: flags.tonApiKey,
    registry: flags.registry ?? devnet!.registryAddress
  }
  if (needAdmin) {
    target.adminMnemonic = flags.adminMnemonicFile != null
      ? (await readFile(flags.adminMnemonicFile, 'utf8')).trim().split(/\s+/)
      : devnet!.adminMnemonic
    if (target.adminMnemonic.length !== 24) throw new Error('the admin mnemonic must be 24 words')
  }
  return target
}

/** A 32-byte hash given as 64 hex characters (an optional 0x prefix is allowed). */
export function parseHash (text: string, what: string): Uint8Array {
  const hex = text.startsWith('0x') ? text.slice(2) : text
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`${what} must be 64 hex characters (a sha256), got "${text}"`)
  return Buffer.from(hex, 'hex')
}

/** A worker's registry key: its libp2p peer id (12D3Koo...), or its raw ed25519 public key as 64 hex characters. */
export function parseWorkerKey (text: string): Uint8Array {
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(text)) return parseHash(text, 'worker key')
  let key: Uint8Array | undefined
  try {
    const peer = peerIdFromString(text)
    if (peer.type === 'Ed25519') key = peer.publicKey.raw
  } catch {}
  if (key == null) throw new Error(`"${text}" is neither an Ed25519 peer id nor a 64-hex worker key`)
  return key
}
