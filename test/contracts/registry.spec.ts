import assert from 'node:assert/strict'
import { beginCell, toNano } from '@ton/core'
import { findTransaction } from '@ton/test-utils'
import { AllowList, ExitCode, Op } from '../../contracts/opcodes.js'
import { updateParamsBody } from '../../contracts/wrappers/messages.js'
import { Registry } from '../../contracts/wrappers/Registry.js'
import {
  certFor, createWorld, entryOf, gasReport, hash32, IMAGE, MODEL, newWorkerKeys, PARAMS, recordGas,
  ROOT, signClaim, T0, type World
} from './fixtures.js'

describe('contracts: registry', function () {
  let world: World

  beforeEach(async () => {
    world = await createWorld()
  })

  after(() => {
    // eslint-disable-next-line no-console
    console.table(Object.fromEntries(gasReport))
    gasReport.clear()
  })

  it('deploys with its parameters, admin and allow-lists', async () => {
    assert.deepEqual(await world.registry.getParams(), PARAMS)
    const { admin, pendingAdmin } = await world.registry.getAdmin()
    assert.ok(admin.equals(world.admin.address))
    assert.equal(pendingAdmin, null)
    assert.equal(await world.registry.getIsImageAllowed(IMAGE), true)
    assert.equal(await world.registry.getIsModelAllowed(MODEL), true)
    assert.equal(await world.registry.getIsRootAccepted(ROOT), true)
    assert.equal(await world.registry.getIsImageAllowed(MODEL), false)
    const lists = await world.registry.getAllowLists()
    assert.deepEqual(lists, { images: [IMAGE], models: [MODEL], roots: [ROOT] })
  })

  it('admin edits each allow-list; others cannot; an unknown list fails', async () => {
    const h = hash32(0x44)
    for (const [list, get] of [
      [AllowList.Images, (x: Uint8Array) => world.registry.getIsImageAllowed(x)],
      [AllowList.Models, (x: Uint8Array) => world.registry.getIsModelAllowed(x)],
      [AllowList.Roots, (x: Uint8Array) => world.registry.getIsRootAccepted(x)]
    ] as const) {
      const add = await world.registry.sendUpdateAllowList(world.admin.getSender(), { value: toNano('0.05'), list, hash: h, allowed: true })
      recordGas(`UpdateAllowList(add, ${list})`, add.transactions)
      assert.equal(await get(h), true)
      await world.registry.sendUpdateAllowList(world.admin.getSender(), { value: toNano('0.05'), list, hash: h, allowed: false })
      assert.equal(await get(h), false)
    }
    const denied = await world.registry.sendUpdateAllowList(world.stranger.getSender(), { value: toNano('0.05'), list: AllowList.Images, hash: h, allowed: true })
    assert.ok(findTransaction(denied.transactions, { to: world.registry.address, success: false, exitCode: ExitCode.NotAdmin }))
    assert.equal(await world.registry.getIsImageAllowed(h), false)
    const badList = await world.registry.sendUpdateAllowList(world.admin.getSender(), { value: toNano('0.05'), list: 7 as 0, hash: h, allowed: true })
    assert.ok(findTransaction(badList.transactions, { to: world.registry.address, success: false, exitCode: ExitCode.BadList }))
  })

  it('admin updates parameters; a fee above 100% and a stranger are refused', async () => {
    const next = { ...PARAMS, minStake: toNano('3'), proxyFeeBps: 250 }
    const ok = await world.registry.sendUpdateParams(world.admin.getSender(), { value: toNano('0.05'), params: next })
    recordGas('UpdateParams', ok.transactions)
    assert.deepEqual(await world.registry.getParams(), next)
    // The wrapper refuses a fee above 100% before sending, so the contract's own check is reached with a hand-built body.
    assert.throws(() => updateParamsBody({ params: { ...PARAMS, proxyFeeBps: 10_001 } }), /proxyFeeBps/)
    for (const [what, params] of [['proxyFeeBps 10001', { ...PARAMS, proxyFeeBps: 10_001 }], ['certMaxLifetime 0', { ...PARAMS, certMaxLifetime: 0 }]] as const) {
      const body = beginCell().storeUint(Op.UpdateParams, 32).storeUint(0, 64).storeCoins(params.minStake)
        .storeUint(params.proxyFeeBps, 16).storeUint(params.unbondingDelay, 32).storeUint(params.certMaxLifetime, 32).endCell()
      const bad = await world.registry.sendRaw(world.admin.getSender(), { value: toNano('0.05'), body })
      assert.ok(findTransaction(bad.transactions, { to: world.registry.address, success: false, exitCode: ExitCode.BadParams }), what)
    }
    assert.deepEqual(await world.registry.getParams(), next, 'refused params change nothing')
    const full = await world.registry.sendUpdateParams(world.admin.getSender(), { value: toNano('0.05'), params: { ...next, proxyFeeBps: 10_000 } })
    assert.ok(findTransaction(full.transactions, { to: world.registry.address, success: true }), 'exactly 100% is allowed')
    assert.equal((await world.registry.getParams()).proxyFeeBps, 10_000)
    await world.registry.sendUpdateParams(world.admin.getSender(), { value: toNano('0.05'), params: next })
    const stranger = await world.registry.sendUpdateParams(world.stranger.getSender(), { value: toNano('0.05'), params: PARAMS })
    assert.ok(findTransaction(stranger.transactions, { to: world.registry.address, success: false, exitCode: ExitCode.NotAdmin }))
    assert.deepEqual(await world.registry.getParams(), next)
  })

  it('transfers admin in two steps', async () => {
    const notAdmin = await world.registry.sendProposeAdmin(world.stranger.getSender(), { value: toNano('0.05'), newAdmin: world.stranger.address })
    assert.ok(findTransaction(notAdmin.transactions, { to: world.registry.address, exitCode: ExitCode.NotAdmin }))
    const noPending = await world.registry.sendClaimAdmin(world.stranger.getSender(), { value: toNano('0.05') })
    assert.ok(findTransaction(noPending.transactions, { to: world.registry.address, exitCode: ExitCode.NotPendingAdmin }))

    const propose = await world.registry.sendProposeAdmin(world.admin.getSender(), { value: toNano('0.05'), newAdmin: world.owner.address })
    recordGas('ProposeAdmin', propose.transactions)
    assert.ok((await world.registry.getAdmin()).pendingAdmin?.equals(world.owner.address))
    const wrong = await world.registry.sendClaimAdmin(world.stranger.getSender(), { value: toNano('0.05') })
    assert.ok(findTransaction(wrong.transactions, { to: world.registry.address, exitCode: ExitCode.NotPendingAdmin }))
    const claim = await world.registry.sendClaimAdmin(world.owner.getSender(), { value: toNano('0.05') })
    recordGas('ClaimAdmin', claim.transactions)
    const after = await world.registry.getAdmin()
    assert.ok(after.admin.equals(world.owner.address))
    assert.equal(after.pendingAdmin, null)
    const old = await world.registry.sendUpdateParams(world.admin.getSender(), { value: toNano('0.05'), params: PARAMS })
    assert.ok(findTransaction(old.transactions, { to: world.registry.address, exitCode: ExitCode.NotAdmin }))
  })

  it('ProposeAdmin(null) cancels a pending transfer: the proposed admin can no longer claim', async () => {
    await world.registry.sendProposeAdmin(world.admin.getSender(), { value: toNano('0.05'), newAdmin: world.owner.address })
    assert.ok((await world.registry.getAdmin()).pendingAdmin?.equals(world.owner.address))
    const cancel = await world.registry.sendProposeAdmin(world.admin.getSender(), { value: toNano('0.05'), newAdmin: null })
    assert.ok(findTransaction(cancel.transactions, { to: world.registry.address, success: true }))
    assert.equal((await world.registry.getAdmin()).pendingAdmin, null)
    const claim = await world.registry.sendClaimAdmin(world.owner.getSender(), { value: toNano('0.05') })
    assert.ok(findTransaction(claim.transactions, { to: world.registry.address, success: false, exitCode: ExitCode.NotPendingAdmin }))
    assert.ok((await world.registry.getAdmin()).admin.equals(world.admin.address))
  })

  it('answers unknown opcodes with 0xFFFF, short bodies with cell underflow, and accepts top-ups', async () => {
    const unknown = await world.registry.sendRaw(world.stranger.getSender(), { value: toNano('0.05'), body: beginCell().storeUint(0x12345678, 32).storeUint(0, 64).endCell() })
    assert.ok(findTransaction(unknown.transactions, { to: world.registry.address, success: false, exitCode: ExitCode.UnknownOp }))
    // a known opcode whose fields are cut short: parsing (lazy, on first use) underflows
    const malformed = await world.registry.sendRaw(world.admin.getSender(), { value: toNano('0.05'), body: beginCell().storeUint(Op.UpdateAllowList, 32).storeUint(1, 64).storeUint(0, 8).endCell() })
    assert.ok(findTransaction(malformed.transactions, { to: world.registry.address, success: false, exitCode: ExitCode.CellUnderflow }))
    const topUp = await world.registry.sendRaw(world.stranger.getSender(), { value: toNano('0.05') })
    assert.ok(findTransaction(topUp.transactions, { to: world.registry.address, success: true }))
  })

  it('computes entry addresses on chain exactly as off chain', async () => {
    const key = newWorkerKeys().publicKey
    const onChain = await world.registry.getEntryAddress(key)
    assert.ok(onChain.equals(entryOf(world, key).address))
    assert.ok(!onChain.equals(Registry.createFromAddress(world.registry.address).address))
  })

  it('rejects a register when the certificate is expired or lives too long', async () => {
    const keys = newWorkerKeys()
    for (const [cert, code] of [
      [certFor(1, T0), ExitCode.CertExpired],
      [certFor(1, T0 + PARAMS.certMaxLifetime + 1), ExitCode.CertLifetimeTooLong],
      [{ ...certFor(1), imageHash: hash32(0x99) }, ExitCode.ImageNotAllowed]
    ] as const) {
      const signature = signClaim(keys, world.registry.address, world.owner.address, cert)
      const res = await world.registry.sendRegisterWorker(world.owner.getSender(), { value: toNano('2'), workerKey: keys.publicKey, cert, signature })
      assert.ok(findTransaction(res.transactions, { to: world.registry.address, success: false, exitCode: code }), `expected exit ${code}`)
      assert.ok(findTransaction(res.transactions, { from: world.registry.address, to: world.owner.address, inMessageBounced: true }))
    }
    assert.equal(await entryOf(world, keys.publicKey).getEntry(), null)
  })

  it('refuses a register from a wallet outside the basechain (the entry lives there) and bounces the value', async () => {
    const master = await world.chain.treasury('masterchain-owner', { workchain: -1 })
    const keys = newWorkerKeys()
    const cert = certFor(1)
    const signature = signClaim(keys, world.registry.address, master.address, cert)
    const res = await world.registry.sendRegisterWorker(master.getSender(), { value: toNano('2'), workerKey: keys.publicKey, cert, signature })
    assert.ok(findTransaction(res.transactions, { to: world.registry.address, success: false, exitCode: ExitCode.WrongWorkchain }))
    assert.ok(findTransaction(res.transactions, { from: world.registry.address, to: master.address, inMessageBounced: true }))
    assert.equal(await entryOf(world, keys.publicKey).getEntry(), null)
  })
})
