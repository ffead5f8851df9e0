import type { Command } from 'commander'
import { addRegistryTargetOptions, parseHash, parseWorkerKey, resolveRegistryTarget, type RegistryTargetFlags } from './registry-target.js'

interface ListFlags extends RegistryTargetFlags { remove?: boolean, devTee?: string }

// Loaded on use, like every chain command: `cocoon --help` should not load TonClient.
const contracts = async (): Promise<typeof import('../../contracts/index.js')> => await import('../../contracts/index.js')

function print (lines: string[]): void {
  process.stdout.write(lines.join('\n') + '\n')
}

/** allow-image / allow-model / accept-root: add (or with --remove, remove) hashes on one allow-list. */
async function changeList (kind: 'Images' | 'Models' | 'Roots', hashes: string[], flags: ListFlags): Promise<void> {
  const { AllowList, setAllowListed } = await contracts()
  const parsed = hashes.map(h => parseHash(h, 'hash'))
  if (flags.devTee != null) {
    const { devTrustLists } = await import('../network/dev-trust.js')
    parsed.push(...(await devTrustLists(flags.devTee)).acceptRoots)
  }
  if (parsed.length === 0) throw new Error('give at least one hash' + (kind === 'Roots' ? ' (or --dev-tee DIR)' : ''))
  const target = await resolveRegistryTarget(flags, true)
  const allowed = flags.remove !== true
  const sent = await setAllowListed({ ...target, adminMnemonic: target.adminMnemonic!, list: AllowList[kind], hashes: parsed, allowed })
  const verb = allowed ? 'added' : 'removed'
  print([`${verb} ${sent} of ${parsed.length} (the rest ${allowed ? 'were already listed' : 'were not listed'}) on registry ${target.registry}`])
}

/** `cocoon registry ...`: read and administer the Cocoon registry contract (on a devnet or a real chain). */
export function registerRegistryCommand (program: Command): void {
  const registry = program.command('registry')
    .description('read and administer the Cocoon registry: allowed images and models, accepted attestation roots, parameters, slashing')
    .addHelpText('after', `
Every subcommand finds the chain, the registry and the admin key in a local devnet's devnet.json
(--devnet DIR, default <COCOON_DATA or ~/.cocoon>/devnet); on testnet or mainnet give --ton,
--registry and --admin-mnemonic-file instead.

A fresh devnet trusts nothing. To run a worker on it by hand:
  cocoon devnet
  cocoon registry dev-trust --dev-tee ~/.cocoon/dev-tee
  cocoon start --role worker --dev-tee ~/.cocoon/dev-tee --ton http://127.0.0.1:8081/jsonRPC --registry <address>`)

  addRegistryTargetOptions(registry.command('show'))
    .description('print the registry\'s admin, parameters and allow-lists')
    .option('--json', 'print JSON')
    .action(async (flags: RegistryTargetFlags & { json?: boolean }) => {
      const { readRegistrySummary } = await contracts()
      const s = await readRegistrySummary(await resolveRegistryTarget(flags, false))
      if (flags.json === true) {
        print([JSON.stringify({ ...s, params: { ...s.params, minStake: s.params.minStake.toString() } }, null, 2)])
        return
      }
      const { fromNano } = await import('@ton/core')
      print([
        `registry:          ${s.address}`,
        `admin:             ${s.admin}${s.pendingAdmin != null ? ` (transfer to ${s.pendingAdmin} pending)` : ''}`,
        `min stake:         ${fromNano(s.params.minStake)} TON`,
        `proxy fee:         ${s.params.proxyFeeBps / 100}%`,
        `unbonding delay:   ${s.params.unbondingDelay} s`,
        `cert max lifetime: ${s.params.certMaxLifetime} s`,
        `accepted roots:    ${s.acceptedRoots.join(' ') || '(none)'}`,
        `allowed images:    ${s.allowedImages.join(' ') || '(none)'}`,
        `allowed models:    ${s.allowedModels.join(' ') || '(none)'}`
      ])
    })

  addRegistryTargetOptions(registry.command('dev-trust'))
    .description('make the registry trust the development TEE in --dev-tee DIR: accept its root, allow its image and the built-in model (what `cocoon network` does)')
    .requiredOption('--dev-tee <dir>', 'the development TEE directory the workers will use (created when absent)')
    .option('--model-hash <sha256...>', 'more model hashes to allow')
    .action(async (flags: RegistryTargetFlags & { devTee: string, modelHash?: string[] }) => {
      const { configureRegistry } = await contracts()
      const { devTrustLists } = await import('../network/dev-trust.js')
      const target = await resolveRegistryTarget(flags, true)
      const models = (flags.modelHash ?? []).map(h => Buffer.from(parseHash(h, 'model hash')).toString('hex'))
      const lists = await devTrustLists(flags.devTee, models)
      const added = await configureRegistry({ ...target, adminMnemonic: target.adminMnemonic!, ...lists })
      print([
        `registry ${target.registry} trusts the development TEE in ${flags.devTee} (${added} change(s) sent)`,
        `  root:  ${Buffer.from(lists.acceptRoots[0]).toString('hex')}`,
        `  image: ${Buffer.from(lists.allowImages[0]).toString('hex')}`
      ])
    })

  for (const [name, kind, what] of [['allow-image', 'Images', 'TEE image hashes (sha256 over MRTD and RTMR0-3)'], ['allow-model', 'Models', 'model hashes (sha256 of the GGUF file)']] as const) {
    addRegistryTargetOptions(registry.command(name))
      .description(`admin: allow ${what}`)
      .argument('<sha256...>', '64 hex characters each')
      .option('--remove', 'remove them from the list instead')
      .action(async (hashes: string[], flags: ListFlags) => { await changeList(kind, hashes, flags) })
  }

  addRegistryTargetOptions(registry.command('accept-root'))
    .description('admin: accept attestation root CAs (sha256 of the DER certificate; Intel\'s for real TDX)')
    .argument('[sha256...]', '64 hex characters each')
    .option('--dev-tee <dir>', 'also the root of the development TEE in this directory')
    .option('--remove', 'stop accepting them instead')
    .action(async (hashes: string[], flags: ListFlags) => { await changeList('Roots', hashes, flags) })

  addRegistryTargetOptions(registry.command('set-params'))
    .description('admin: change registry parameters (those not given keep their value)')
    .option('--min-stake <ton>', 'minimum stake to register, in TON')
    .option('--proxy-fee-bps <n>', 'proxy fee in basis points (0-10000)')
    .option('--unbonding-delay <seconds>', 'delay between unbond and withdraw')
    .option('--cert-max-lifetime <seconds>', 'longest certificate validity the registry takes')
    .action(async (flags: RegistryTargetFlags & { minStake?: string, proxyFeeBps?: string, unbondingDelay?: string, certMaxLifetime?: string }) => {
      const { setRegistryParams } = await contracts()
      const { toNano, fromNano } = await import('@ton/core')
      const int = (v: string | undefined, name: string): number | undefined => {
        if (v == null) return undefined
        const n = Number(v)
        if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`)
        return n
      }
      const params = {
        ...(flags.minStake != null ? { minStake: toNano(flags.minStake) } : {}),
        ...(flags.proxyFeeBps != null ? { proxyFeeBps: int(flags.proxyFeeBps, '--proxy-fee-bps') } : {}),
        ...(flags.unbondingDelay != null ? { unbondingDelay: int(flags.unbondingDelay, '--unbonding-delay') } : {}),
        ...(flags.certMaxLifetime != null ? { certMaxLifetime: int(flags.certMaxLifetime, '--cert-max-lifetime') } : {})
      }
      if (Object.keys(params).length === 0) throw new Error('give at least one parameter to change')
      const target = await resolveRegistryTarget(flags, true)
      const now = await setRegistryParams({ ...target, adminMnemonic: target.adminMnemonic!, params })
      print([`sent: min stake ${fromNano(now.minStake)} TON, proxy fee ${now.proxyFeeBps} bps, unbonding ${now.unbondingDelay} s, cert max lifetime ${now.certMaxLifetime} s`])
    })

  addRegistryTargetOptions(registry.command('slash'))
    .description('admin: slash a worker; its whole stake goes to the beneficiary and proxies stop routing to it')
    .argument('<worker>', 'the worker\'s peer id, or its ed25519 key as 64 hex characters')
    .option('--beneficiary <address>', 'who receives the stake (default: the admin wallet)')
    .action(async (worker: string, flags: RegistryTargetFlags & { beneficiary?: string }) => {
      const { slashWorker, RegistryView } = await contracts()
      const { Address } = await import('@ton/core')
      const workerKey = parseWorkerKey(worker)
      const target = await resolveRegistryTarget(flags, true)
      const view = new RegistryView({ ...target, cacheTtlMs: 0 })
      const entry = await view.workerEntry(workerKey)
      if (entry?.active !== true) throw new Error(`worker ${worker} has no active registry entry to slash`)
      await slashWorker({ ...target, adminMnemonic: target.adminMnemonic!, workerKey, beneficiary: flags.beneficiary != null ? Address.parse(flags.beneficiary) : undefined })
      print([`slashed ${worker} (entry ${(await view.entryAddress(workerKey)).toString()})`])
    })
}
