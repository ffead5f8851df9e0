import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { Libp2p } from 'libp2p'
import { BUILTIN_MODEL_ID } from '../../models/index.js'
import { loadTestAuthority, type TestAuthority } from '../../protocols/attestation/index.js'
import { runJob, type JobEvent, type OfferVerifier } from '../../protocols/job/index.js'
import { startTestNetwork, type TestNetwork } from './harness.js'
import { chainVerifier, deadProcesses, nodeIdentity, startRawPeer } from './jobs-peers.js'
import { startTamperingProxy, type Tampering } from './tamper-proxy.js'
import { jobsDone } from './trust-traffic.js'

/** Long enough that the worker streams several chunks (it coalesces tokens for CHUNK_COALESCE_MS after each). */
const MAX_TOKENS = 256

interface Outcome { text: string, done?: Extract<JobEvent, { type: 'done' }>, error?: { code?: string, message: string, data?: Record<string, unknown> } }

describe('a tampering proxy between a client and a real worker', function () {
  this.timeout(180_000)
  let net: TestNetwork
  let client: Libp2p
  let verify: OfferVerifier
  let honest: Outcome
  let devTee: TestAuthority

  /** Runs one job through a fresh malicious proxy in the given mode, with the client's real checks. */
  async function runThrough (mode: Tampering): Promise<Outcome & { log: string[] }> {
    const proxy = await startTamperingProxy(await nodeIdentity(net, 'worker-1'), mode, { devTee })
    try {
      await client.dial(proxy.address)
      const out: Outcome = { text: '' }
      try {
        const req = { model: BUILTIN_MODEL_ID, messages: [{ role: 'user', content: 'what does the proxy see?' }], maxTokens: MAX_TOKENS, seed: 5 }
        for await (const ev of runJob(req, { dialProtocol: client.dialProtocol.bind(client), proxy: proxy.peerId, verify, signal: AbortSignal.timeout(60_000) })) {
          if (ev.type === 'token') out.text += ev.text
          else if (ev.type === 'done') out.done = ev
        }
      } catch (err) {
        out.error = err as Outcome['error']
      }
      return { ...out, log: proxy.log }
    } finally {
      await proxy.stop()
    }
  }

  before(async () => {
    net = await startTestNetwork({ workers: 1 })
    client = await startRawPeer()
    verify = chainVerifier(net)
    devTee = await loadTestAuthority(join(net.dir, 'dev-tee'))
  })
  after(async () => {
    await client?.stop()
    await net?.close()
  })

  it('relays a whole answer when it tampers with nothing (the relay itself is sound)', async () => {
    honest = await runThrough('none')
    assert.equal(honest.error, undefined, honest.error?.message)
    assert.equal(honest.done?.usage.completionTokens, MAX_TOKENS)
    assert.ok(honest.text.length > 0)
  })

  const cases: Array<{ mode: Tampering, title: string, reason: string, remote?: boolean }> = [
    { mode: 'flip-chunk-byte', title: 'one flipped ciphertext byte in an answer chunk', reason: 'TAMPERED' },
    { mode: 'swap-chunks', title: 'two answer chunks swapped', reason: 'OUT_OF_ORDER' },
    { mode: 'inflate-usage', title: 'the clear usage inflated', reason: 'TAMPERED' },
    { mode: 'forge-output-hash', title: 'the worker\'s output hash replaced in the clear Final', reason: 'TAMPERED' },
    { mode: 'drop-final-chunk', title: 'the sealed final chunk dropped', reason: 'TRUNCATED' },
    { mode: 'flip-job-byte', title: 'one flipped byte of the sealed job (the worker refuses it)', reason: 'TAMPERED', remote: true }
  ]
  for (const c of cases) {
    it(`fails the client with a typed INTEGRITY error on ${c.title}`, async () => {
      assert.ok(honest != null, 'the honest run went first')
      const out = await runThrough(c.mode)
      assert.ok(out.log.length > 0, 'the tampering happened')
      assert.equal(out.done, undefined, 'no tampered job completes')
      assert.equal(out.error?.code, 'INTEGRITY', `got ${out.error?.code}: ${out.error?.message}`)
      assert.equal((out.error as { name?: string }).name, 'CocoonError')
      if (c.remote === true) {
        // the worker's refusal crosses the wire as its code; the reason stays on the worker
        assert.equal(out.error?.data?.remote, true)
        assert.equal(out.text, '')
        await net.logs.waitFor('worker-1', 'job failed', 5000, r => r.code === 'INTEGRITY')
      } else {
        assert.equal(out.error?.data?.reason, c.reason)
        // what reached the caller before the tampering is the genuine answer, never altered text
        assert.ok(honest.text.startsWith(out.text), `delivered "${out.text}" is a prefix of "${honest.text}"`)
      }
    })
  }

  const offers: Array<{ mode: Tampering, title: string, reason: string }> = [
    { mode: 'foreign-certificate', title: 'an offer carrying another peer\'s certificate', reason: 'PEER_MISMATCH' },
    { mode: 'unanchored-certificate', title: 'an offer whose certificate is valid but not anchored in the registry', reason: 'NOT_REGISTERED' }
  ]
  for (const c of offers) {
    it(`refuses ${c.title} with a typed ATTESTATION error, and seals nothing`, async () => {
      const before = await jobsDone(net, 'worker-1')
      const out = await runThrough(c.mode)
      assert.ok(out.log.some(l => l.startsWith('offered a')), 'the lying offer was made')
      assert.equal(out.done, undefined)
      assert.equal(out.text, '')
      assert.equal(out.error?.code, 'ATTESTATION', `got ${out.error?.code}: ${out.error?.message}`)
      assert.equal((out.error as { name?: string }).name, 'CocoonError')
      assert.equal(out.error?.data?.reason, c.reason)
      assert.ok(!out.log.includes('received the sealed job'), 'the client sent no SealedJob')
      assert.equal(await jobsDone(net, 'worker-1'), before, 'the worker received no job')
    })
  }

  it('leaves the network serving', async () => {
    assert.deepEqual(deadProcesses(net), [])
    const again = await runThrough('none')
    assert.equal(again.error, undefined, again.error?.message)
    assert.equal(again.text, honest.text)
  })
})
