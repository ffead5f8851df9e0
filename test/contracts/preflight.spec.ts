import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ed25519 } from '@noble/curves/ed25519.js'
import { toNano } from '@ton/core'
import { configureRegistry } from '../../contracts/chain/admin.js'
import { createTonClient } from '../../contracts/chain/client.js'
import { isDevnet, loadOrCreateMnemonic, requestFaucet, walletFromMnemonic } from '../../contracts/chain/wallet.js'
import { ensureWorkerRegistered, type EnsureWorkerOptions } from '../../contracts/chain/worker.js'
import { DEVNET_REGISTRY_PARAMS } from '../../contracts/constants.js'
import { ChainStore, CHAIN_STATE_FILE } from '../../contracts/devnet/chain-store.js'
import { type Devnet, startDevnet } from '../../contracts/devnet/devnet.js'
import { hash32, IMAGE, MODEL, ROOT } from './fixtures.js'

describe('contracts: registration checked against the registry before sending', function () {
  this.timeout(180_000)
  let dir: string
  let devnet: Devnet

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cocoon-preflight-'))
    devnet = await startDevnet({ port: 0, dataDir: join(dir, 'chain') })
    await configureRegistry({ endpoint: devnet.url, registry: devnet.registryAddress, adminMnemonic: devnet.adminMnemonic, acceptRoots: [ROOT], allowImages: [IMAGE], allowModels: [MODEL], pollMs: 100 })
  })

  after(async () => {
    await devnet?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('fails at once with a typed reason and the fixing command, sending nothing; registers when all is well', async () => {
    const mnemonic = await loadOrCreateMnemonic(join(dir, 'worker'))
    const wallet = await walletFromMnemonic(mnemonic)
    await requestFaucet(devnet.url, wallet.address, toNano('5'))
    const client = createTonClient({ endpoint: devnet.url })
    const secretKey = ed25519.utils.randomSecretKey()
    const now = Math.floor(Date.now() / 1000)
    const base: EnsureWorkerOptions = {
      endpoint: devnet.url,
      registry: devnet.registryAddress,
      walletMnemonic: mnemonic,
      workerKey: ed25519.getPublicKey(secretKey),
      certHash: hash32(7),
      imageHash: IMAGE,
      rootHash: ROOT,
      expiresAt: now + 3600,
      stake: DEVNET_REGISTRY_PARAMS.minStake,
      signWithWorkerKey: (m: Uint8Array) => ed25519.sign(m, secretKey),
      pollMs: 100
    }
    const cases: Array<{ change: Partial<EnsureWorkerOptions>, reason: string, says: RegExp }> = [
      { change: { imageHash: hash32(0x99) }, reason: 'IMAGE_NOT_ALLOWED', says: /cocoon registry allow-image 9{64}/ },
      { change: { rootHash: hash32(0x98) }, reason: 'ROOT_NOT_ACCEPTED', says: /cocoon registry accept-root (98){32}/ },
      { change: { expiresAt: now + DEVNET_REGISTRY_PARAMS.certMaxLifetime + 600 }, reason: 'LIFETIME_TOO_LONG', says: /at most 604800 s/ },
      { change: { expiresAt: now - 10 }, reason: 'CERT_EXPIRED', says: /expired/ },
      { change: { stake: DEVNET_REGISTRY_PARAMS.minStake - 1n }, reason: 'STAKE_TOO_LOW', says: /below the registry minimum 1 TON/ }
    ]
    for (const c of cases) {
      const started = Date.now()
      await assert.rejects(ensureWorkerRegistered({ ...base, ...c.change }), (err: Error & { code?: string, reason?: string }) => {
        assert.equal(err.name, 'RegistrationRefusedError')
        assert.equal(err.code, 'REGISTRATION_REFUSED')
        assert.equal(err.reason, c.reason)
        assert.match(err.message, c.says)
        return true
      })
      assert.ok(Date.now() - started < 10_000, `${c.reason} took ${Date.now() - started} ms`)
    }
    assert.equal(await client.open(wallet.contract).getSeqno(), 0, 'the wallet sent nothing')

    await ensureWorkerRegistered(base)
    assert.equal(await client.open(wallet.contract).getSeqno(), 1)
    // A renewal is checked the same way (no stake involved).
    await assert.rejects(ensureWorkerRegistered({ ...base, certHash: hash32(8), imageHash: hash32(0x99) }), { name: 'RegistrationRefusedError', reason: 'IMAGE_NOT_ALLOWED' })
    assert.equal(await client.open(wallet.contract).getSeqno(), 1)
  })

  it('tells a devnet from any other endpoint', async () => {
    assert.equal(await isDevnet(devnet.url), true)
    // What toncenter answers for a method it does not have.
    const other: Server = createServer((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ ok: false, error: 'Not Found', code: 404 }))
    })
    await new Promise<void>(resolve => other.listen(0, '127.0.0.1', resolve))
    try {
      assert.equal(await isDevnet(`http://127.0.0.1:${(other.address() as AddressInfo).port}/api/v2/jsonRPC`), false)
    } finally {
      await new Promise(resolve => other.close(resolve))
    }
    assert.equal(await isDevnet('http://127.0.0.1:1/jsonRPC'), false, 'nothing listening')
  })

  it('keeps only the newest transactions per account in the devnet log, in memory and on disk', async () => {
    const dataDir = join(dir, 'capped')
    const { store } = await ChainStore.open(dataDir, undefined, { txLogPerAccount: 3 })
    const from = await store.sandbox.treasury('a')
    const to = await store.sandbox.treasury('b')
    const lts: bigint[] = []
    for (let i = 0; i < 5; i++) {
      const { transactions } = await from.send({ to: to.address, value: toNano('0.01'), bounce: false })
      store.record(transactions)
      lts.push(transactions.find(t => t.inMessage?.info.dest?.toString() === to.address.toString())!.lt)
    }
    const kept = store.transactionsOf(to.address).map(t => t.lt)
    assert.deepEqual(kept, lts.slice(2).reverse(), 'the newest three, newest first')
    await store.persist()
    const stored = JSON.parse(await readFile(join(dataDir, CHAIN_STATE_FILE), 'utf8')) as { txLog: Record<string, string[]> }
    assert.equal(stored.txLog[to.address.toRawString()].length, 3)
  })
})
