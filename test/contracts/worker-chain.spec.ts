import 'reflect-metadata'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { Address, toNano } from '@ton/core'
import { pino } from 'pino'
import { configureRegistry } from '../../contracts/chain/admin.js'
import { createTonClient } from '../../contracts/chain/client.js'
import { RegistryView } from '../../contracts/chain/registry-view.js'
import { loadOrCreateMnemonic, sendAndWait, walletFromMnemonic } from '../../contracts/chain/wallet.js'
import { DEVNET_REGISTRY_PARAMS } from '../../contracts/constants.js'
import { type Devnet, startDevnet } from '../../contracts/devnet/devnet.js'
import { fundsNeeded, WorkerChain } from '../../node/roles/worker-chain.js'
import {
  createTestAuthority, DEV_IMAGE_HASH, DevTeeProvider, issueCertificate, type TestAuthority
} from '../../protocols/attestation/index.js'

describe('worker chain: register once, then renew on a small balance', function () {
  this.timeout(180_000)
  let dir: string
  let devnet: Devnet
  let authority: TestAuthority

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cocoon-worker-chain-'))
    devnet = await startDevnet({ port: 0, dataDir: join(dir, 'chain') })
    authority = await createTestAuthority()
    await configureRegistry({ endpoint: devnet.url, registry: devnet.registryAddress, adminMnemonic: devnet.adminMnemonic, acceptRoots: [authority.rootHash], allowImages: [DEV_IMAGE_HASH], allowModels: [], pollMs: 100 })
  })

  after(async () => {
    await devnet?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('asks a renewal for its operation value only, not for the stake', () => {
    assert.ok(fundsNeeded(true, toNano('1000')) < toNano('0.2'))
    assert.ok(fundsNeeded(false, toNano('1000')) > toNano('1000'))
  })

  it('registers from the faucet, then renews with less than the minimum stake in the wallet and never asks the faucet', async () => {
    const privateKey = await generateKeyPair('Ed25519')
    const dataDir = join(dir, 'worker')
    let probes = 0
    const chain = new WorkerChain({
      endpoint: devnet.url,
      registry: devnet.registryAddress,
      dataDir,
      privateKey,
      logger: pino({ level: 'silent' }),
      isDevnet: async () => { probes++; return true }
    })
    const issue = async (lifetimeSeconds: number) => await issueCertificate({
      privateKey,
      sealPublicKey: new Uint8Array(32).fill(7),
      payoutAddress: await chain.walletAddress(),
      gpu: 'cpu',
      modelHashes: [],
      tee: new DevTeeProvider(authority),
      lifetimeSeconds
    })
    const view = new RegistryView({ endpoint: devnet.url, registry: devnet.registryAddress, cacheTtlMs: 0 })

    const first = await issue(3600)
    await chain.anchor(first)
    assert.equal(probes, 1, 'an empty wallet asked the devnet faucet')
    assert.deepEqual((await view.workerEntry(privateKey.publicKey.raw))?.certHash, first.hash)

    // Leave the wallet far below the minimum stake, as after a payout on a real chain.
    const client = createTonClient({ endpoint: devnet.url })
    const wallet = await walletFromMnemonic(await loadOrCreateMnemonic(dataDir))
    const keep = toNano('0.3')
    const balance = await client.getBalance(wallet.address)
    await sendAndWait(client, wallet, [{ to: Address.parse(devnet.adminAddress), value: balance - keep - toNano('0.06'), bounce: false }], { pollMs: 100 })
    assert.ok(await client.getBalance(wallet.address) < DEVNET_REGISTRY_PARAMS.minStake)

    const second = await issue(7200)
    await chain.anchor(second)
    const entry = await view.workerEntry(privateKey.publicKey.raw)
    assert.deepEqual(entry?.certHash, second.hash, 'renewed')
    assert.equal(entry?.active, true)
    assert.equal(probes, 1, 'the renewal did not look for a faucet')
    assert.ok(await client.getBalance(wallet.address) < DEVNET_REGISTRY_PARAMS.minStake, 'and got no top-up')
  })

  it('on a chain without a faucet, says how much to send to which wallet instead of asking for it', async () => {
    const privateKey = await generateKeyPair('Ed25519')
    const chain = new WorkerChain({
      endpoint: devnet.url,
      registry: devnet.registryAddress,
      dataDir: join(dir, 'unfunded'),
      privateKey,
      logger: pino({ level: 'silent' }),
      isDevnet: async () => false
    })
    const cert = await issueCertificate({ privateKey, sealPublicKey: new Uint8Array(32).fill(7), payoutAddress: await chain.walletAddress(), gpu: 'cpu', modelHashes: [], tee: new DevTeeProvider(authority) })
    await assert.rejects(chain.anchor(cert), (err: Error & { code?: string }) => {
      assert.equal(err.name, 'InsufficientFundsError')
      assert.equal(err.code, 'INSUFFICIENT_FUNDS')
      assert.ok(err.message.includes(chain.address!), err.message)
      assert.match(err.message, /send it at least 1\.15 TON/)
      return true
    })
  })
})
