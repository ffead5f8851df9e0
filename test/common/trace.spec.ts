import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { JOB_PATH_MARKS, setTraceSink, traceMark, type JobPathMark } from '../../protocols/common/trace.js'
import { installTraceFile, traceFromEnv } from '../../node/trace-file.js'
import { answerCosts, jobsOf, parseTrace, summarizeTrace } from '../../bench/trace-report.js'

describe('job-path trace marks', () => {
  afterEach(() => { setTraceSink(undefined) })

  it('go nowhere without a sink, and to the sink in order once one is set', () => {
    traceMark('client.start') // no sink: nothing to observe, and no error
    const seen: JobPathMark[] = []
    setTraceSink(mark => { seen.push(mark) })
    traceMark('client.start')
    traceMark('client.sending')
    setTraceSink(undefined)
    traceMark('client.done')
    assert.deepEqual(seen, ['client.start', 'client.sending'])
  })

  it('names each step of the path once', () => {
    assert.equal(new Set(JOB_PATH_MARKS).size, JOB_PATH_MARKS.length)
    assert.equal(JOB_PATH_MARKS[0], 'client.start')
    assert.equal(JOB_PATH_MARKS[JOB_PATH_MARKS.length - 1], 'client.done')
  })
})

describe('the trace file', () => {
  let dir: string
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'cocoon-trace-')) })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  it('gets one "mark ms pid" line per mark, on the monotonic clock, once flushed', async () => {
    const path = join(dir, 'a.log')
    const uninstall = installTraceFile(path)
    assert.equal(installTraceFile(path), uninstall, 'installing the same file again keeps the one sink')
    const before = Number(process.hrtime.bigint()) / 1e6
    traceMark('proxy.received')
    traceMark('proxy.forwarding')
    uninstall()
    traceMark('proxy.firstChunk') // after uninstalling: not written
    const lines = (await readFile(path, 'utf8')).trim().split('\n').map(l => l.split(' '))
    assert.deepEqual(lines.map(l => l[0]), ['proxy.received', 'proxy.forwarding'])
    for (const [, ms, pid] of lines) {
      assert.ok(Number(ms) >= before && Number(ms) <= Number(process.hrtime.bigint()) / 1e6, `time ${ms} on the monotonic clock`)
      assert.equal(Number(pid), process.pid)
    }
  })

  it('is only installed from the environment when COCOON_TRACE_FILE names one', () => {
    const seen: JobPathMark[] = []
    setTraceSink(mark => { seen.push(mark) })
    traceFromEnv({})
    traceFromEnv({ COCOON_TRACE_FILE: '' })
    traceMark('client.start')
    setTraceSink(undefined)
    assert.deepEqual(seen, ['client.start'], 'the sink set before is still the one in place')
  })
})

describe('trace-report', () => {
  // Two jobs of client 10 and one of client 20, run one after another; proxy 30 and worker 40 serve them all.
  const trace = [
    'client.start 100.0 10', 'client.sending 101.0 10', 'proxy.received 101.5 30', 'proxy.forwarding 102.0 30',
    'worker.received 102.5 40', 'client.start 200.0 10', 'client.sending 202.0 10', 'proxy.received 203.0 30',
    'client.done 204.0 20', // another client's mark inside client 10's job: not this job's
    'client.start 300.0 20', 'client.sending 301.5 20', 'client.sending 302.0 20'
  ].join('\n')

  it('splits jobs at each start and keeps the first time of each mark, a client\'s marks from its own process only', () => {
    const jobs = jobsOf(parseTrace(trace))
    assert.equal(jobs.length, 3)
    assert.deepEqual(jobs[0], { pid: 10, 'client.start': 100, 'client.sending': 101, 'proxy.received': 101.5, 'proxy.forwarding': 102, 'worker.received': 102.5 })
    assert.equal(jobs[1]['client.done'], undefined)
    assert.equal(jobs[2]['client.sending'], 301.5)
  })

  it('gives each step\'s p50 per client process, leaving out warm-ups and jobs without both ends of a step', () => {
    const [ten, twenty] = summarizeTrace(parseTrace(trace))
    assert.equal(ten.pid, 10)
    assert.equal(ten.jobs, 2)
    const sending = ten.steps.find(s => s.from === 'client.start' && s.to === 'client.sending')
    assert.deepEqual(sending, { from: 'client.start', to: 'client.sending', jobs: 2, p50Ms: 1, p90Ms: 2 })
    assert.equal(ten.steps.find(s => s.to === 'worker.received')?.jobs, 1)
    assert.equal(twenty.pid, 20)
    assert.equal(summarizeTrace(parseTrace(trace), 1)[0].jobs, 1)
  })

  it('splits one client\'s whole answers since a time into the way to the engine, the engine and the way back', () => {
    const answer = (pid: number, at: number, engineMs: number): string[] => [
      `client.start ${at} ${pid}`, `worker.opened ${at + 3} 40`, `worker.engineDone ${at + 3 + engineMs} 40`, `client.done ${at + 5 + engineMs} ${pid}`
    ]
    const entries = parseTrace([
      ...answer(10, 0, 100), // before `fromMs`: a warm-up
      ...answer(10, 1000, 100), ...answer(20, 2000, 500), ...answer(10, 3000, 110),
      'client.start 4000 10', 'client.firstChunk 4010 10' // an answer without the worker's marks: left out
    ].join('\n'))
    assert.deepEqual(answerCosts(entries, 10, 500), { jobs: 2, toEngineMeanMs: 3, engineMeanMs: 105, endMeanMs: 2 })
    assert.equal(answerCosts(entries, 20)?.engineMeanMs, 500)
    assert.equal(answerCosts(entries, 10, 5000), undefined, 'no answer since then')
  })

  it('refuses a line it cannot read, naming it', () => {
    assert.throws(() => parseTrace('client.start 1.0 10\nclient.lunch 2.0 10'), /trace line 2 .*client\.lunch/)
    assert.throws(() => parseTrace('client.start soon 10'), /trace line 1/)
  })
})
