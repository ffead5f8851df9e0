import 'reflect-metadata'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ed25519 } from '@noble/curves/ed25519.js'
import { toNano } from '@ton/core'
import { createTonClient } from '../../contracts/chain/client.js'
import { RegistryView } from '../../contracts/chain/registry-view.js'
import { loadOrCreateMnemonic, requestFaucet, walletFromMnemonic } from '../../contracts/chain/wallet.js'
import { ensureWorkerRegistered } from '../../contracts/chain/worker.js'
import { DEVNET_REGISTRY_PARAMS } from '../../contracts/constants.js'
import { type Devnet, startDevnet } from '../../contracts/devnet/devnet.js'
import { Registry } from '../../contracts/wrappers/Registry.js'
import { BUILTIN_MODEL_SHA256 } from '../../models/index.js'
import { DEV_IMAGE_HASH, loadTestAuthority } from '../../protocols/attestation/index.js'

const script = join(process.cwd(), 'test/contracts/run-registry-cli.ts')
const exec = promisify(execFile)

/** Runs `cocoon registry ARGS`; never throws, returns the exit code and output. */
async function cli (...args: string[]): Promise<{ code: number, out: string, err: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', script, 'registry', ...args], { env: { ...process.env, COCOON_LOG_LEVEL: 'warn' } })
    return { code: 0, out: stdout, err: stderr }
  } catch (e) {
    const x = e as { code?: number, stdout?: string, stderr?: string }
    return { code: x.code ?? 1, out: x.stdout ?? '', err: x.stderr ?? '' }
  }
}

describe('contracts: cocoon registry command (the manual devnet flow)', function () {
  this.timeout(180_000)
  let dir: string
  let devnetDir: string
  let devnet: Devnet
  let view: RegistryView

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cocoon-registry-cli-'))
    devnetDir = join(dir, 'devnet')
    devnet = await startDevnet({ port: 0, dataDir: devnetDir })
    view = new RegistryView({ endpoint: devnet.url, registry: devnet.registryAddress, cacheTtlMs: 0 })
  })

  after(async () => {
    await devnet?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('makes a fresh devnet trust the dev TEE, after which a worker under it registers', async () => {
    const before = await cli('show', '--devnet', devnetDir, '--json')
    assert.equal(before.code, 0, before.err)
    const shown = JSON.parse(before.out)
    assert.equal(shown.address, devnet.registryAddress)
    assert.deepEqual([shown.acceptedRoots, shown.allowedImages, shown.allowedModels], [[], [], []], 'a fresh devnet trusts nothing')

    const devTee = join(dir, 'dev-tee')
    const trusted = await cli('dev-trust', '--devnet', devnetDir, '--dev-tee', devTee)
    assert.equal(trusted.code, 0, trusted.err)
    const authority = await loadTestAuthority(devTee)
    assert.deepEqual(await view.acceptedRoots(), [authority.rootHash])
    assert.equal(await view.isImageAllowed(DEV_IMAGE_HASH), true)
    assert.equal(await view.isModelAllowed(Buffer.from(BUILTIN_MODEL_SHA256, 'hex')), true)
    const again = await cli('dev-trust', '--devnet', devnetDir, '--dev-tee', devTee)
    assert.match(again.out, /\(0 change\(s\) sent\)/, 'idempotent')

    // What `cocoon start --role worker --dev-tee` does next (WorkerChain.anchor checks the root before sending).
    const mnemonic = await loadOrCreateMnemonic(join(dir, 'worker'))
    await requestFaucet(devnet.url, (await walletFromMnemonic(mnemonic)).address, toNano('3'))
    const secretKey = ed25519.utils.randomSecretKey()
    const workerKey = ed25519.getPublicKey(secretKey)
    await ensureWorkerRegistered({
      endpoint: devnet.url,
      registry: devnet.registryAddress,
      walletMnemonic: mnemonic,
      workerKey,
      certHash: Buffer.alloc(32, 1),
      imageHash: DEV_IMAGE_HASH,
      rootHash: authority.rootHash,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
      stake: DEVNET_REGISTRY_PARAMS.minStake,
      signWithWorkerKey: m => ed25519.sign(m, secretKey),
      pollMs: 100
    })
    assert.equal((await view.workerEntry(workerKey))?.active, true)

    const slashed = await cli('slash', Buffer.from(workerKey).toString('hex'), '--devnet', devnetDir)
    assert.equal(slashed.code, 0, slashed.err)
    assert.equal((await view.workerEntry(workerKey))?.active, false)
    const twice = await cli('slash', Buffer.from(workerKey).toString('hex'), '--devnet', devnetDir)
    assert.equal(twice.code, 1)
    assert.match(twice.err, /^cocoon: .*no active registry entry/)
  })

  it('adds and removes allow-list entries, changes parameters, and refuses bad input with one line', async () => {
    const model = 'ab'.repeat(32)
    assert.equal((await cli('allow-model', model, '--devnet', devnetDir)).code, 0)
    assert.equal(await view.isModelAllowed(Buffer.from(model, 'hex')), true)
    assert.equal((await cli('allow-model', model, '--remove', '--devnet', devnetDir)).code, 0)
    assert.equal(await view.isModelAllowed(Buffer.from(model, 'hex')), false)

    assert.equal((await cli('set-params', '--cert-max-lifetime', '3600', '--devnet', devnetDir)).code, 0)
    const params = await createTonClient({ endpoint: devnet.url }).open(Registry.createFromAddress(view.address)).getParams()
    assert.deepEqual(params, { ...DEVNET_REGISTRY_PARAMS, certMaxLifetime: 3600 })

    const bad = await cli('allow-image', 'not-a-hash', '--devnet', devnetDir)
    assert.equal(bad.code, 1)
    assert.equal(bad.err.trim().split('\n').length, 1)
    assert.match(bad.err, /must be 64 hex characters/)
    const nowhere = await cli('show', '--devnet', join(dir, 'no-devnet-here'))
    assert.equal(nowhere.code, 1)
    assert.match(nowhere.err, /no devnet\.json .*give --ton, --registry/)
  })
})
