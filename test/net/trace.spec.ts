import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BUILTIN_MODEL_ID } from '../../models/index.js'
import { JOB_PATH_MARKS } from '../../protocols/common/trace.js'
import { streamChat } from '../../node/http/sse-client.js'
import { jobsOf, parseTrace } from '../../bench/trace-report.js'
import { startTestNetwork, type TestNetwork } from './harness.js'

/** Up to the first chunk, and the answer's end: each a chain of cause and effect across the three processes. */
const FIRST_CHUNK_CHAIN = JOB_PATH_MARKS.slice(0, JOB_PATH_MARKS.indexOf('client.firstChunk') + 1)
const END_CHAIN = JOB_PATH_MARKS.slice(JOB_PATH_MARKS.indexOf('worker.engineDone'))

describe('COCOON_TRACE_FILE on a real network', function () {
  this.timeout(120_000)
  let net: TestNetwork
  let dir: string
  let file: string

  before(async () => {
    // Inherited by every node process the network starts; this process itself starts no node.
    dir = await mkdtemp(join(tmpdir(), 'cocoon-trace-net-'))
    file = join(dir, 'trace.log')
    process.env.COCOON_TRACE_FILE = file
    try {
      net = await startTestNetwork({ workers: 1 })
    } finally {
      delete process.env.COCOON_TRACE_FILE
    }
  })
  after(async () => {
    await net?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('marks every step of each job in the client, the proxy and the worker, in the order they happen', async () => {
    for (let i = 0; i < 2; i++) {
      let text = ''
      for await (const delta of streamChat({ url: net.gatewayUrl, model: BUILTIN_MODEL_ID, messages: [{ role: 'user', content: `trace me ${i}` }], maxTokens: 64 })) text += delta
      assert.ok(text.length > 0)
    }
    // Each process appends its marks every 250 ms, on its own timer: wait until all three have written both jobs.
    let jobs: ReturnType<typeof jobsOf> = []
    const complete = (): number => jobs.filter(j => JOB_PATH_MARKS.every(mark => j[mark] != null)).length
    for (let wait = 0; wait < 50 && complete() < 2; wait++) {
      await new Promise(resolve => setTimeout(resolve, 100))
      jobs = jobsOf(parseTrace(await readFile(file, 'utf8').catch(() => '')))
    }
    const done = jobs.filter(j => j['client.done'] != null)
    assert.equal(done.length, 2, `two finished jobs in the trace, got ${jobs.length} jobs`)
    const entries = parseTrace(await readFile(file, 'utf8'))
    const pidsOf = (side: string): Set<number> => new Set(entries.filter(e => e.mark.startsWith(side)).map(e => e.pid))
    const [client, proxy, worker] = ['client.', 'proxy.', 'worker.'].map(pidsOf)
    assert.equal(client.size, 1, 'one client process (the gateway)')
    assert.equal(proxy.size, 1)
    assert.equal(worker.size, 1)
    assert.equal(new Set([...client, ...proxy, ...worker]).size, 3, 'three processes')
    for (const job of done) {
      for (const mark of JOB_PATH_MARKS) assert.ok(job[mark] != null, `job has ${mark}`)
      for (const chain of [FIRST_CHUNK_CHAIN, END_CHAIN]) {
        for (let i = 1; i < chain.length; i++) assert.ok((job[chain[i]] as number) >= (job[chain[i - 1]] as number), `${chain[i - 1]} before ${chain[i]}`)
      }
    }
  })
})
