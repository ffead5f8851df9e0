import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

/**
 * Modules that an app embedding the light client must not load: they serve nodes, the devnet or the CLI. Each
 * came in once through a package root (barrel) or a static import; the client imports the modules it uses instead.
 */
const SERVER_ONLY: Array<{ what: string, matches: (url: string) => boolean }> = [
  { what: 'the model engine', matches: u => u.includes('/node_modules/node-llama-cpp/') || u.includes('/dist/models/') },
  { what: 'the dev-TEE authority', matches: u => u.includes('/attestation/dev-tee/') },
  { what: 'certificate issuing', matches: u => u.includes('/attestation/issue.js') },
  { what: 'X.509 issuing libraries', matches: u => u.includes('/node_modules/@peculiar/') || u.includes('/node_modules/tsyringe/') },
  { what: 'metrics (loaded only when a registry is passed)', matches: u => u.includes('/node_modules/prom-client/') || u.includes('/node_modules/@libp2p/prometheus-metrics/') },
  { what: 'the proxy service', matches: u => u.includes('/job/proxy-service.js') },
  { what: 'the worker service', matches: u => u.includes('/job/worker-service.js') },
  { what: 'the capacity and provider services', matches: u => u.includes('/capacity/service.js') || u.includes('/discovery/provider.js') },
  { what: 'config parsing', matches: u => u.includes('/dist/node/config.js') },
  // @ton/ton's TonClient checks toncenter answers with its own copy of zod 3, nested under @ton/ton: that one stays.
  { what: 'zod (our schemas)', matches: u => u.includes('/node_modules/zod/') && !u.includes('/@ton/ton/node_modules/zod/') },
  { what: '@ton/ton wallets and other contracts', matches: u => /\/@ton\/ton\/dist\/(wallets|jetton|multisig|elector)\//.test(u) },
  { what: 'the devnet emulator', matches: u => u.includes('/dist/contracts/devnet/') || u.includes('/node_modules/@ton/sandbox/') },
  { what: 'the gateway and the CLI', matches: u => u.includes('/dist/node/http/') || u.includes('/dist/node/cli/') || u.includes('/node_modules/commander/') }
]

/** Imports `root` in a fresh Node process and returns every module URL it loaded, in load order. */
async function modulesLoadedBy (root: string): Promise<string[]> {
  const script = `
    import { registerHooks } from 'node:module'
    const seen = []
    registerHooks({ load (url, context, next) { seen.push(url); return next(url, context) } })
    const pkg = await import(${JSON.stringify(root)})
    if (typeof pkg.createClient !== 'function') throw new Error('createClient is not exported')
    process.stdout.write(JSON.stringify(seen))
  `
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { maxBuffer: 64 * 1024 * 1024 })
  return JSON.parse(stdout) as string[]
}

describe('the embeddable client\'s weight', function () {
  this.timeout(60_000)
  let loaded: string[]

  before(async () => {
    // The package's own name resolves through package.json "exports", as it does for an app: the built root.
    loaded = await modulesLoadedBy(import.meta.resolve('cocoon-network'))
  })

  it('sees the modules a client needs (the hook works)', () => {
    for (const needed of ['/dist/node/index.js', '/job/client-job.js', '/attestation/verify.js', '/node_modules/@libp2p/kad-dht/']) {
      assert.ok(loaded.some(u => u.includes(needed)), `expected ${needed} among the ${loaded.length} modules loaded`)
    }
  })

  it('loads no server-only module when the package root is imported', () => {
    const offenders = SERVER_ONLY.flatMap(({ what, matches }) => loaded.filter(matches).map(u => `${what}: ${u}`))
    assert.deepEqual(offenders, [])
  })
})
