import assert from 'node:assert/strict'
import { join } from 'node:path'
import { createClient, type CocoonClient } from '../../node/index.js'
import { freePort, startTestNetwork, type TestNetwork } from './harness.js'

/** Issue 4: "a client whose proxy dies retries through another proxy found in the DHT". */
describe('a client whose proxy dies', function () {
  this.timeout(300_000)
  let net: TestNetwork
  let client: CocoonClient

  before(async () => {
    net = await startTestNetwork({ workers: 1 })
    const port = await freePort()
    await net.spawn('proxy-2', ['start', '--role', 'proxy', '--data', join(net.dir, 'proxy-2'), '--listen', `/ip4/127.0.0.1/tcp/${port}`, '--bootstrap', net.proxyAddress, ...net.chainFlags])
    await net.logs.waitFor('proxy-2', 'worker joined capacity table', 30_000)
    client = await createClient({ bootstrap: [net.proxyAddress], ton: net.endpoint, registry: net.registry })
  })
  after(async () => {
    await client?.stop()
    await net?.close()
  })

  it('finishes the answer through another proxy, identical to an undisturbed run', async () => {
    const request = { model: 'cocoon-tiny', messages: [{ role: 'user' as const, content: 'tell me a long story' }], maxTokens: 1200, seed: 99 }
    let reference = ''
    for await (const t of client.chat(request)) reference += t

    const proxies: string[] = []
    client.addEventListener('job:offer', e => proxies.push(e.detail.proxy))
    const answer = client.chat(request)
    let text = ''
    let killed = false
    for await (const t of answer) {
      text += t
      if (!killed && text.length > 20) {
        killed = true
        const serving = proxies[0]
        const victim = net.processes.find(p => net.logs.records(p.name, 'node identity')[0]?.peerId === serving)
        assert.ok(victim != null, 'the serving proxy is one of ours')
        victim.child.kill('SIGKILL')
      }
    }
    const result = await answer.result
    assert.ok(killed)
    assert.equal(new Set(proxies).size, 2, `offers came through ${proxies.join(', ')}`)
    assert.equal(text, reference)
    assert.equal(result.finishReason, 'length')
    assert.equal(result.usage.completionTokens, 1200)
  })
})
