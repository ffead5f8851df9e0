import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ed25519 } from '@noble/curves/ed25519.js'
import { Address, SendMode, toNano } from '@ton/core'
import { configureRegistry, slashWorker } from '../../contracts/chain/admin.js'
import { createTonClient } from '../../contracts/chain/client.js'
import { RegistryView } from '../../contracts/chain/registry-view.js'
import { loadOrCreateMnemonic, requestFaucet, walletFromMnemonic } from '../../contracts/chain/wallet.js'
import { ensureWorkerRegistered, unbondWorker, withdrawWorkerStake } from '../../contracts/chain/worker.js'
import { DEVNET_REGISTRY_PARAMS } from '../../contracts/constants.js'
import { type Devnet, readDevnetInfo, startDevnet } from '../../contracts/devnet/devnet.js'
import { Registry } from '../../contracts/wrappers/Registry.js'
import { hash32, IMAGE, MODEL, ROOT } from './fixtures.js'

const run = promisify(execFile)
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

describe('contracts: devnet', function () {
  this.timeout(180_000)
  let dir: string
  let devnet: Devnet | undefined

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cocoon-devnet-'))
  })

  after(async () => {
    await devnet?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('serves the registry to TonClient, registers a worker, and keeps it across a restart', async () => {
    const dataDir = join(dir, 'chain')
    devnet = await startDevnet({ port: 0, dataDir })
    const info = await readDevnetInfo(dataDir)
    assert.equal(info?.registryAddress, devnet.registryAddress)
    assert.equal(info?.url, devnet.url)
    assert.match(devnet.url, /^http:\/\/127\.0\.0\.1:\d+\/jsonRPC$/)

    const client = createTonClient({ endpoint: devnet.url })
    const registry = client.open(Registry.createFromAddress(Address.parse(devnet.registryAddress)))
    assert.deepEqual(await registry.getParams(), DEVNET_REGISTRY_PARAMS)
    const view = new RegistryView({ endpoint: devnet.url, registry: devnet.registryAddress, cacheTtlMs: 0 })
    assert.deepEqual(await view.acceptedRoots(), [])

    const admin = { endpoint: devnet.url, registry: devnet.registryAddress, adminMnemonic: devnet.adminMnemonic, pollMs: 100 }
    const added = await configureRegistry({ ...admin, acceptRoots: [ROOT], allowImages: [IMAGE], allowModels: [MODEL] })
    assert.equal(added, 3)
    assert.equal(await configureRegistry({ ...admin, acceptRoots: [ROOT], allowImages: [IMAGE], allowModels: [MODEL] }), 0, 'idempotent')

    const workerDir = join(dir, 'worker')
    const mnemonic = await loadOrCreateMnemonic(workerDir)
    assert.equal((await stat(join(workerDir, 'wallet.mnemonic'))).mode & 0o777, 0o600)
    assert.deepEqual(await loadOrCreateMnemonic(workerDir), mnemonic)
    const wallet = await walletFromMnemonic(mnemonic)
    await requestFaucet(devnet.url, wallet.address, toNano('5'))
    assert.equal(await client.getBalance(wallet.address), toNano('5'))

    const secretKey = ed25519.utils.randomSecretKey()
    const workerKey = ed25519.getPublicKey(secretKey)
    const expiresAt = Math.floor(Date.now() / 1000) + 3600
    const worker = {
      endpoint: devnet.url,
      registry: devnet.registryAddress,
      walletMnemonic: mnemonic,
      workerKey,
      imageHash: IMAGE,
      stake: DEVNET_REGISTRY_PARAMS.minStake,
      signWithWorkerKey: (m: Uint8Array) => ed25519.sign(m, secretKey),
      pollMs: 100
    }
    const entryAddress = await ensureWorkerRegistered({ ...worker, certHash: hash32(1), expiresAt })
    assert.ok(entryAddress.equals(await view.entryAddress(workerKey)))
    const seqnoAfterRegister = await client.open(wallet.contract).getSeqno()
    await ensureWorkerRegistered({ ...worker, certHash: hash32(1), expiresAt })
    assert.equal(await client.open(wallet.contract).getSeqno(), seqnoAfterRegister, 'no-op when nothing changed')
    await ensureWorkerRegistered({ ...worker, certHash: hash32(2), expiresAt: expiresAt + 60 })
    assert.equal(await client.open(wallet.contract).getSeqno(), seqnoAfterRegister + 1, 'renewed')

    const txs = await client.getTransactions(wallet.address, { limit: 10 })
    assert.equal(txs.length >= 3, true)
    assert.ok(txs[0].lt > txs[txs.length - 1].lt, 'newest first')

    // A TonClient in another process reads the registry.
    const script = join(process.cwd(), 'test/contracts/read-registry.ts')
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, devnet.url, devnet.registryAddress, hex(workerKey), hex(IMAGE), hex(MODEL)])
    const seen = JSON.parse(stdout)
    assert.deepEqual(seen.roots, [hex(ROOT)])
    assert.equal(seen.imageAllowed, true)
    assert.equal(seen.modelAllowed, true)
    assert.equal(seen.otherModelAllowed, false)
    assert.equal(seen.entry.active, true)
    assert.equal(seen.entry.certHash, hex(hash32(2)))
    assert.equal(seen.entry.expiresAt, expiresAt + 60)
    assert.ok(BigInt(seen.entry.stake) >= DEVNET_REGISTRY_PARAMS.minStake)

    // Restart on another port: same registry, same entry.
    await devnet.stop()
    const firstRegistry = devnet.registryAddress
    devnet = await startDevnet({ port: 0, dataDir })
    assert.equal(devnet.registryAddress, firstRegistry)
    const view2 = new RegistryView({ endpoint: devnet.url, registry: devnet.registryAddress, cacheTtlMs: 0 })
    const entry = await view2.workerEntry(workerKey)
    assert.ok(entry?.active)
    assert.deepEqual(entry?.certHash, hash32(2))
    assert.deepEqual(await view2.acceptedRoots(), [ROOT])
    assert.ok(JSON.parse(await readFile(join(dataDir, 'devnet.json'), 'utf8')).url === devnet.url)

    // The wallet keeps working after the restart: unbond turns the entry inactive.
    const withdrawAfter = await unbondWorker({ ...worker, endpoint: devnet.url })
    assert.ok(withdrawAfter >= Math.floor(Date.now() / 1000) + DEVNET_REGISTRY_PARAMS.unbondingDelay - 5)
    assert.equal((await view2.workerEntry(workerKey))?.active, false)
    await assert.rejects(withdrawWorkerStake({ ...worker, endpoint: devnet.url }), { name: 'RegistryStateError', message: /can withdraw in/ })

    // The admin slashes it: the stake goes to the admin wallet, the entry stays as a record.
    await slashWorker({ endpoint: devnet.url, registry: devnet.registryAddress, adminMnemonic: devnet.adminMnemonic, workerKey, pollMs: 100 })
    const slashed = await view2.workerEntry(workerKey)
    assert.equal(slashed?.active, false)
    assert.ok((slashed?.stake ?? 1n) <= toNano('0.01'))
    await assert.rejects(ensureWorkerRegistered({ ...worker, endpoint: devnet.url, certHash: hash32(3), expiresAt }), { name: 'RegistryStateError', message: /slashed/ })
  })

  it('answers unknown methods and malformed requests with errors', async () => {
    assert.ok(devnet != null)
    const post = async (body: unknown) => await fetch(devnet!.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
    const unknown = await post({ id: 1, jsonrpc: '2.0', method: 'dropDatabase', params: {} })
    assert.equal(unknown.status, 404)
    assert.equal((await unknown.json()).ok, false)
    const bad = await post({ id: 2, jsonrpc: '2.0', method: 'getAddressInformation', params: { address: 'nope' } })
    assert.equal(bad.status, 400)
    const faucet = await post({ id: 3, jsonrpc: '2.0', method: 'faucet', params: { address: devnet!.adminAddress, amount: '-1' } })
    assert.equal(faucet.status, 400)
    const notJson = await fetch(devnet!.url, { method: 'POST', body: '{' })
    assert.equal(notJson.status, 400)
  })

  it('RegistryView caches answers for its TTL, and not at all with TTL 0', async () => {
    assert.ok(devnet != null)
    let now = 1_000_000
    const cached = new RegistryView({ endpoint: devnet.url, registry: devnet.registryAddress, cacheTtlMs: 10_000, now: () => now })
    const uncached = new RegistryView({ endpoint: devnet.url, registry: devnet.registryAddress, cacheTtlMs: 0 })
    const model = hash32(0x77)
    assert.equal(await cached.isModelAllowed(model), false)
    await configureRegistry({ endpoint: devnet.url, registry: devnet.registryAddress, adminMnemonic: devnet.adminMnemonic, pollMs: 100, acceptRoots: [], allowImages: [], allowModels: [model] })
    assert.equal(await uncached.isModelAllowed(model), true)
    assert.equal(await cached.isModelAllowed(model), false, 'still the cached answer')
    now += 10_001
    assert.equal(await cached.isModelAllowed(model), true, 'refreshed after the TTL')
    assert.equal(await uncached.workerEntry(hash32(0x55)), null, 'unknown worker')
    await assert.rejects(uncached.isModelAllowed(new Uint8Array(31)), { name: 'InvalidArgumentError' })
  })

  it('estimates fees for an external message by running it without changing state', async () => {
    assert.ok(devnet != null)
    const client = createTonClient({ endpoint: devnet.url })
    const admin = await walletFromMnemonic(devnet.adminMnemonic)
    const opened = client.open(admin.contract)
    const seqno = await opened.getSeqno()
    const transfer = opened.createTransfer({ seqno, secretKey: admin.keyPair.secretKey, messages: [], sendMode: SendMode.PAY_GAS_SEPARATELY })
    const fees = await client.estimateExternalMessageFee(admin.address, { body: transfer, initCode: null, initData: null, ignoreSignature: false })
    assert.ok(fees.source_fees.gas_fee > 0)
    assert.equal(await opened.getSeqno(), seqno, 'estimate did not apply the message')
  })
})

