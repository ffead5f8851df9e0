import assert from 'node:assert/strict'
import { beginCell, toNano } from '@ton/core'
import { findTransaction, flattenTransaction } from '@ton/test-utils'
import { EntryStatus, ExitCode, Op } from '../../contracts/opcodes.js'
import { workerCertCell } from '../../contracts/wrappers/codec.js'
import {
  certFor, createWorld, entryOf, gasReport, hash32, newWorkerKeys, PARAMS, recordGas, registerWorker, signClaim, T0, type World
} from './fixtures.js'

describe('contracts: worker entry', function () {
  let world: World

  beforeEach(async () => {
    world = await createWorld()
  })

  after(() => {
    // eslint-disable-next-line no-console
    console.table(Object.fromEntries(gasReport))
    gasReport.clear()
  })

  it('registers a worker: deploys its entry with the stake as balance', async () => {
    const cert = certFor(0xaa)
    const { keys, result, entry } = await registerWorker(world, cert)
    recordGas('RegisterWorker (registry + new entry)', result.transactions)
    assert.ok(findTransaction(result.transactions, { from: world.registry.address, to: entry.address, op: Op.EntryRegister, deploy: true, success: true }))
    const state = await entry.getEntry()
    assert.ok(state != null)
    assert.equal(state.status, EntryStatus.Active)
    assert.ok(state.owner?.equals(world.owner.address))
    assert.ok(state.registry.equals(world.registry.address))
    assert.deepEqual(state.workerKey, keys.publicKey)
    assert.deepEqual(state.certHash, cert.certHash)
    assert.deepEqual(state.imageHash, cert.imageHash)
    assert.equal(state.expiresAt, cert.expiresAt)
    assert.ok(state.stake >= PARAMS.minStake, `stake ${state.stake}`)
  })

  it('refuses a stake below the minimum and bounces the value back', async () => {
    const { result, entry } = await registerWorker(world, certFor(0xaa), PARAMS.minStake)
    assert.ok(findTransaction(result.transactions, { to: world.registry.address, success: false, exitCode: ExitCode.StakeTooLow }))
    assert.ok(findTransaction(result.transactions, { from: world.registry.address, to: world.owner.address, inMessageBounced: true }))
    assert.equal(await entry.getEntry(), null)
  })

  it('refuses a register whose signature is not by the worker key or names another owner', async () => {
    const keys = newWorkerKeys()
    const other = newWorkerKeys()
    const cert = certFor(0xaa)
    const cases = [
      signClaim(other, world.registry.address, world.owner.address, cert), // wrong key
      signClaim(keys, world.registry.address, world.stranger.address, cert), // signed for another owner
      signClaim(keys, world.registry.address, world.owner.address, certFor(0xbb)) // another certificate
    ]
    for (const signature of cases) {
      const res = await world.registry.sendRegisterWorker(world.owner.getSender(), { value: toNano('2'), workerKey: keys.publicKey, cert, signature })
      assert.ok(findTransaction(res.transactions, { to: world.registry.address, success: false, exitCode: ExitCode.BadSignature }))
    }
    assert.equal(await entryOf(world, keys.publicKey).getEntry(), null)
  })

  it('rejects a duplicate register and refunds it, leaving the entry unchanged', async () => {
    const { keys, entry } = await registerWorker(world, certFor(0xaa))
    const before = await entry.getEntry()
    const cert = certFor(0xbb)
    const signature = signClaim(keys, world.registry.address, world.owner.address, cert)
    const dup = await world.registry.sendRegisterWorker(world.owner.getSender(), { value: toNano('2'), workerKey: keys.publicKey, cert, signature })
    recordGas('RegisterWorker (duplicate, refunded)', dup.transactions)
    const refund = findTransaction(dup.transactions, { from: entry.address, to: world.owner.address, op: Op.RegisterRejected })
    assert.ok(refund)
    assert.ok((flattenTransaction(refund).value ?? 0n) > toNano('1.9'))
    const after = await entry.getEntry()
    assert.deepEqual(after?.certHash, before?.certHash)
    assert.ok(after != null && before != null && after.stake - before.stake < toNano('0.01'))
  })

  it('renews the certificate for its owner only, with the allow-list and lifetime checked', async () => {
    const { keys, entry } = await registerWorker(world, certFor(0xaa))
    const next = certFor(0xcc, T0 + 7200)
    const renew = await world.registry.sendRenewWorker(world.owner.getSender(), { value: toNano('0.1'), workerKey: keys.publicKey, cert: next })
    recordGas('RenewWorker', renew.transactions)
    assert.ok(findTransaction(renew.transactions, { from: entry.address, to: world.owner.address, op: Op.ReturnExcesses }))
    const state = await entry.getEntry()
    assert.deepEqual(state?.certHash, next.certHash)
    assert.equal(state?.expiresAt, next.expiresAt)

    const stranger = await world.registry.sendRenewWorker(world.stranger.getSender(), { value: toNano('0.1'), workerKey: keys.publicKey, cert: certFor(0xdd) })
    assert.ok(findTransaction(stranger.transactions, { to: entry.address, success: false, exitCode: ExitCode.NotOwner }))
    const expired = await world.registry.sendRenewWorker(world.owner.getSender(), { value: toNano('0.1'), workerKey: keys.publicKey, cert: certFor(0xdd, T0 - 1) })
    assert.ok(findTransaction(expired.transactions, { to: world.registry.address, success: false, exitCode: ExitCode.CertExpired }))
    assert.deepEqual((await entry.getEntry())?.certHash, next.certHash)

    const unknown = await world.registry.sendRenewWorker(world.owner.getSender(), { value: toNano('0.1'), workerKey: newWorkerKeys().publicKey, cert: certFor(0xdd) })
    assert.ok(findTransaction(unknown.transactions, { from: world.registry.address, aborted: true, success: false }))
  })

  it('refuses a renew with an image the registry does not allow, or living past certMaxLifetime, and keeps the certificate', async () => {
    const cert = certFor(0xaa)
    const { keys, entry } = await registerWorker(world, cert)
    for (const [next, code] of [
      [{ ...certFor(0xcc), imageHash: hash32(0x99) }, ExitCode.ImageNotAllowed],
      [certFor(0xcc, T0 + PARAMS.certMaxLifetime + 1), ExitCode.CertLifetimeTooLong]
    ] as const) {
      const res = await world.registry.sendRenewWorker(world.owner.getSender(), { value: toNano('0.1'), workerKey: keys.publicKey, cert: next })
      assert.ok(findTransaction(res.transactions, { to: world.registry.address, success: false, exitCode: code }), `expected exit ${code}`)
      assert.ok(findTransaction(res.transactions, { from: world.registry.address, to: world.owner.address, inMessageBounced: true }), 'the value bounces back')
      assert.equal(findTransaction(res.transactions, { to: entry.address }), undefined, 'the entry is never asked')
    }
    const state = await entry.getEntry()
    assert.deepEqual(state?.certHash, cert.certHash)
    assert.deepEqual(state?.imageHash, cert.imageHash)
    assert.equal(state?.expiresAt, cert.expiresAt)
  })

  it('unbonds, refuses withdrawal before the delay, then withdraws everything and disappears', async () => {
    const { keys, entry } = await registerWorker(world, certFor(0xaa))
    const early = await entry.sendWithdrawStake(world.owner.getSender(), { value: toNano('0.05') })
    assert.ok(findTransaction(early.transactions, { to: entry.address, success: false, exitCode: ExitCode.NotUnbonding }))
    const stranger = await entry.sendStartUnbond(world.stranger.getSender(), { value: toNano('0.05') })
    assert.ok(findTransaction(stranger.transactions, { to: entry.address, success: false, exitCode: ExitCode.NotOwner }))

    const unbond = await entry.sendStartUnbond(world.owner.getSender(), { value: toNano('0.05') })
    recordGas('StartUnbond', unbond.transactions)
    const state = await entry.getEntry()
    assert.equal(state?.status, EntryStatus.Unbonding)
    assert.equal(state?.withdrawAfter, T0 + PARAMS.unbondingDelay)
    const renew = await world.registry.sendRenewWorker(world.owner.getSender(), { value: toNano('0.1'), workerKey: keys.publicKey, cert: certFor(0xbb) })
    assert.ok(findTransaction(renew.transactions, { to: entry.address, success: false, exitCode: ExitCode.NotActive }))

    world.chain.now = T0 + PARAMS.unbondingDelay - 1
    const tooSoon = await entry.sendWithdrawStake(world.owner.getSender(), { value: toNano('0.05') })
    assert.ok(findTransaction(tooSoon.transactions, { to: entry.address, success: false, exitCode: ExitCode.UnbondingNotFinished }))
    const byStranger = await entry.sendWithdrawStake(world.stranger.getSender(), { value: toNano('0.05') })
    assert.ok(findTransaction(byStranger.transactions, { to: entry.address, success: false, exitCode: ExitCode.NotOwner }))

    world.chain.now = T0 + PARAMS.unbondingDelay
    const stake = (await entry.getEntry())?.stake ?? 0n
    const withdraw = await entry.sendWithdrawStake(world.owner.getSender(), { value: toNano('0.05') })
    recordGas('WithdrawStake', withdraw.transactions)
    const payout = findTransaction(withdraw.transactions, { from: entry.address, to: world.owner.address, op: Op.StakeWithdrawn })
    assert.ok(payout)
    assert.ok((flattenTransaction(payout).value ?? 0n) >= stake, 'the whole stake comes back')
    assert.equal(await entry.getEntry(), null)
  })

  it('lets a key register again after a full withdraw: a fresh entry at the same address, with the new certificate', async () => {
    const { keys, entry } = await registerWorker(world, certFor(0xaa))
    await entry.sendStartUnbond(world.owner.getSender(), { value: toNano('0.05') })
    world.chain.now = T0 + PARAMS.unbondingDelay
    const withdraw = await entry.sendWithdrawStake(world.owner.getSender(), { value: toNano('0.05') })
    assert.ok(findTransaction(withdraw.transactions, { from: entry.address, to: world.owner.address, op: Op.StakeWithdrawn }))
    assert.equal(await entry.getEntry(), null)

    const cert = certFor(0xbb, T0 + PARAMS.unbondingDelay + 3600)
    const again = await world.registry.sendRegisterWorker(world.owner.getSender(), {
      value: toNano('2'), workerKey: keys.publicKey, cert, signature: signClaim(keys, world.registry.address, world.owner.address, cert)
    })
    assert.ok(findTransaction(again.transactions, { from: world.registry.address, to: entry.address, op: Op.EntryRegister, deploy: true, success: true }))
    assert.equal(findTransaction(again.transactions, { op: Op.RegisterRejected }), undefined)
    const state = await entry.getEntry()
    assert.equal(state?.status, EntryStatus.Active)
    assert.deepEqual(state?.certHash, cert.certHash)
    assert.equal(state?.expiresAt, cert.expiresAt)
    assert.equal(state?.withdrawAfter, 0)
    assert.ok((state?.stake ?? 0n) >= PARAMS.minStake)
  })

  it('lets only the admin slash; the beneficiary gets the stake and the key cannot come back', async () => {
    const { keys, entry } = await registerWorker(world, certFor(0xaa))
    const denied = await world.registry.sendSlashWorker(world.stranger.getSender(), { value: toNano('0.05'), workerKey: keys.publicKey, beneficiary: world.stranger.address })
    assert.ok(findTransaction(denied.transactions, { to: world.registry.address, success: false, exitCode: ExitCode.NotAdmin }))

    const slash = await world.registry.sendSlashWorker(world.admin.getSender(), { value: toNano('0.05'), workerKey: keys.publicKey, beneficiary: world.admin.address })
    recordGas('SlashWorker', slash.transactions)
    const payout = findTransaction(slash.transactions, { from: entry.address, to: world.admin.address, op: Op.StakeSlashed })
    assert.ok(payout)
    assert.ok((flattenTransaction(payout).value ?? 0n) > toNano('1.9'))
    const state = await entry.getEntry()
    assert.equal(state?.status, EntryStatus.Slashed)
    assert.ok((state?.stake ?? 0n) <= toNano('0.01'))

    const again = await world.registry.sendSlashWorker(world.admin.getSender(), { value: toNano('0.05'), workerKey: keys.publicKey, beneficiary: world.admin.address })
    assert.ok(findTransaction(again.transactions, { to: entry.address, success: false, exitCode: ExitCode.NotSlashable }))
    const cert = certFor(0xbb)
    const reRegister = await world.registry.sendRegisterWorker(world.owner.getSender(), {
      value: toNano('2'), workerKey: keys.publicKey, cert, signature: signClaim(keys, world.registry.address, world.owner.address, cert)
    })
    assert.ok(findTransaction(reRegister.transactions, { from: entry.address, to: world.owner.address, op: Op.RegisterRejected }))
    assert.equal((await entry.getEntry())?.status, EntryStatus.Slashed)
  })

  // Today's behaviour, not a wish: the registry's onBouncedMessage is empty, so a renew or slash that the entry
  // refuses (or that finds no entry) bounces back to the registry and the value stays there. Nothing refunds the
  // sender; the registry's balance grows by the value less the fees.
  it('keeps the value of a renew or slash for a missing entry in the registry: the sender gets nothing back', async () => {
    const missing = newWorkerKeys().publicKey
    for (const [sender, send] of [
      [world.owner, async () => world.registry.sendRenewWorker(world.owner.getSender(), { value: toNano('1'), workerKey: missing, cert: certFor(0xdd) })],
      [world.admin, async () => world.registry.sendSlashWorker(world.admin.getSender(), { value: toNano('1'), workerKey: missing, beneficiary: world.admin.address })]
    ] as const) {
      const registryBefore = (await world.chain.getContract(world.registry.address)).balance
      const res = await send()
      assert.ok(findTransaction(res.transactions, { from: world.registry.address, to: entryOf(world, missing).address, aborted: true }))
      const bounced = findTransaction(res.transactions, { from: entryOf(world, missing).address, to: world.registry.address, inMessageBounced: true, success: true })
      assert.ok(bounced, 'the forwarded message bounces back to the registry')
      assert.equal(findTransaction(res.transactions, { from: world.registry.address, to: sender.address }), undefined, 'no refund to the sender')
      assert.equal(res.transactions.at(-1), bounced, 'the bounce is the last transaction: nothing is sent on')
      const gained = (await world.chain.getContract(world.registry.address)).balance - registryBefore
      assert.ok(gained > toNano('0.98') && gained < toNano('1'), `registry kept ${gained}`)
    }
    assert.equal(await entryOf(world, missing).getEntry(), null)
  })

  it('accepts registry-only messages from the registry alone', async () => {
    const { entry } = await registerWorker(world, certFor(0xaa))
    const forged = beginCell()
      .storeUint(Op.EntryRegister, 32).storeUint(1, 64).storeAddress(world.stranger.address).storeUint(0, 32)
      .storeRef(workerCertCell(certFor(0xee))).endCell()
    const res = await world.stranger.send({ to: entry.address, value: toNano('0.1'), body: forged })
    assert.ok(findTransaction(res.transactions, { to: entry.address, success: false, exitCode: ExitCode.NotRegistry }))
    const slash = beginCell().storeUint(Op.EntrySlash, 32).storeUint(1, 64).storeAddress(world.stranger.address).endCell()
    const res2 = await world.stranger.send({ to: entry.address, value: toNano('0.1'), body: slash })
    assert.ok(findTransaction(res2.transactions, { to: entry.address, success: false, exitCode: ExitCode.NotRegistry }))
    assert.equal((await entry.getEntry())?.status, EntryStatus.Active)
  })

  it('refuses a forged EntryRenew sent straight to an entry, even by its owner, and keeps the certificate', async () => {
    const cert = certFor(0xaa)
    const { entry } = await registerWorker(world, cert)
    for (const sender of [world.owner, world.stranger]) {
      const forged = beginCell()
        .storeUint(Op.EntryRenew, 32).storeUint(1, 64).storeAddress(sender.address)
        .storeRef(workerCertCell(certFor(0xee, T0 + 7200))).endCell()
      const res = await sender.send({ to: entry.address, value: toNano('0.1'), body: forged })
      assert.ok(findTransaction(res.transactions, { to: entry.address, success: false, exitCode: ExitCode.NotRegistry }))
    }
    const state = await entry.getEntry()
    assert.deepEqual(state?.certHash, cert.certHash)
    assert.equal(state?.expiresAt, cert.expiresAt)
  })

  it('answers unknown opcodes and short bodies with errors, and adds top-ups to the stake', async () => {
    const { entry } = await registerWorker(world, certFor(0xaa))
    const unknown = await world.owner.send({ to: entry.address, value: toNano('0.05'), body: beginCell().storeUint(0xdeadbeef, 32).endCell() })
    assert.ok(findTransaction(unknown.transactions, { to: entry.address, success: false, exitCode: ExitCode.UnknownOp }))
    const short = await world.owner.send({ to: entry.address, value: toNano('0.05'), body: beginCell().storeUint(Op.StartUnbond, 32).storeUint(1, 8).endCell() })
    assert.ok(findTransaction(short.transactions, { to: entry.address, success: false, exitCode: ExitCode.CellUnderflow }))
    const before = (await entry.getEntry())?.stake ?? 0n
    await entry.sendTopUp(world.owner.getSender(), toNano('1'))
    const after = (await entry.getEntry())?.stake ?? 0n
    assert.ok(after - before > toNano('0.99'))
  })
})
