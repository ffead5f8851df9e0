import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Address } from '@ton/core'
import { ThreadedEngine } from '../../models/thread/threaded-engine.js'
import { cpusOf, parseCpuList, pinThread, pinToCpus, threadsOf } from '../../node/cpu-affinity.js'
import { pinEngine } from '../../node/engine-placement.js'
import { NodeProcess } from '../../node/network/child.js'
import { LogBook } from '../net/harness.js'
import { EnginePlacer } from '../../bench/lib-test-network.js'

/** One thread of this process: its allowed CPUs as /proc lists them. */
async function allowed (tid: number): Promise<string | undefined> {
  return /Cpus_allowed_list:\s*(\S+)/.exec(await readFile(`/proc/${process.pid}/task/${tid}/status`, 'utf8'))?.[1]
}

/** Every thread's allowed CPUs, from /proc (what the kernel enforces, not what taskset says of the main thread). */
async function threadCpus (pid: number): Promise<string[]> {
  const tasks = await readdir(`/proc/${pid}/task`)
  return Promise.all(tasks.map(async t => {
    const status = await readFile(`/proc/${pid}/task/${t}/status`, 'utf8')
    return /Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1] ?? '?'
  }))
}

describe('pinning a node to CPUs (--cpus)', function () {
  this.timeout(90_000)
  const children: ChildProcess[] = []
  const sleeper = (): ChildProcess => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' })
    children.push(child)
    return child
  }

  after(() => { for (const c of children) c.kill('SIGKILL') })

  it('reads taskset CPU lists, and refuses malformed ones with a ConfigError naming the field', () => {
    assert.deepEqual(parseCpuList('1'), [1])
    assert.deepEqual(parseCpuList('0,2-4,3'), [0, 2, 3, 4])
    for (const bad of ['', 'a', '1,', '-1', '1-', '0 1']) {
      assert.throws(() => parseCpuList(bad), (err: Error & { code?: string }) => err.code === 'CONFIG' && /^cpus: /.test(err.message), bad)
    }
    assert.throws(() => parseCpuList('3-1'), /cpus: range 3-1 runs backwards/)
  })

  it('pins every thread of a process, and says why when it cannot', () => {
    const child = sleeper()
    pinToCpus('0', child.pid)
    assert.equal(cpusOf(child.pid), '0')
    // valid syntax, but no such CPU here
    assert.throws(() => pinToCpus('4000', child.pid), /^ConfigError: cpus: cannot pin to CPUs 4000: .*Invalid argument/)
    assert.equal(cpusOf(child.pid), '0', 'a refused pin changes nothing')
    const path = process.env.PATH
    process.env.PATH = '/nonexistent'
    try {
      assert.throws(() => pinToCpus('0', child.pid), /cpus: pinning needs the taskset program/)
    } finally {
      process.env.PATH = path
    }
  })

  it('cocoon start --cpus 0 runs the node, every thread of it, on CPU 0 only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cocoon-cpus-'))
    const logs = new LogBook()
    // A proxy needs a chain in its flags; with no workers it never reads it (nothing listens on port 9).
    const chain = ['--ton', 'http://127.0.0.1:9/jsonRPC', '--registry', new Address(0, Buffer.alloc(32)).toString()]
    const proc = new NodeProcess('pinned', ['start', '--role', 'proxy', '--data', join(dir, 'p'), '--cpus', '0', ...chain], logs.onLine)
    try {
      await proc.waitFor('started', 60_000)
      const pid = proc.child.pid!
      const cpus = await threadCpus(pid)
      assert.ok(cpus.length > 3, `a running node has libuv and V8 threads (${cpus.length})`)
      assert.deepEqual([...new Set(cpus)], ['0'], `allowed CPUs per thread: ${cpus.join(' ')}`)
      assert.equal(logs.records('pinned', 'running on these CPUs only')[0]?.cpus, '0')
    } finally {
      await proc.stop(5000)
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('a worker\'s engine on CPUs of its own (--engine-cpus)', function () {
  this.timeout(60_000)
  let engine: ThreadedEngine
  const own = cpusOf()
  const cpus = parseCpuList(own)

  after(async () => {
    // The pins apply to this test process's own threads: give every one of them its CPUs back.
    for (const t of threadsOf()) pinThread(own, t.tid)
    await engine?.close()
  })

  it('pins the engine thread and libuv\'s pool, moves V8\'s helpers off them, and leaves the main thread on all of its CPUs', async () => {
    const last = String(cpus[cpus.length - 1]) // with one CPU the pins change nothing, and the checks still hold
    engine = new ThreadedEngine({ gpu: false })
    const tid = await engine.threadId()
    assert.ok(tid != null && tid !== process.pid, 'the engine thread has a thread id of its own')
    const pool = threadsOf().filter(t => t.name === 'libuv-worker').map(t => t.tid)
    assert.ok(pool.length > 0, 'the pool has started')
    await pinEngine(engine, last)
    assert.equal(await allowed(tid), last)
    for (const t of pool) assert.equal(await allowed(t), last, `pool thread ${t}`)
    assert.deepEqual(parseCpuList(await allowed(process.pid) ?? ''), cpus, 'main thread')
    const others = cpus.filter(c => String(c) !== last)
    const helpers = threadsOf().filter(t => t.name.startsWith('V8'))
    assert.ok(helpers.length > 0, 'V8 has helper threads')
    for (const t of helpers) assert.deepEqual(parseCpuList(await allowed(t.tid) ?? ''), others.length > 0 ? others : cpus, `helper ${t.name} ${t.tid}`)
    // the engine still works from there
    assert.equal((await engine.device()).kind, 'cpu')
  })
})

describe('the network bench\'s direct engine, moved by a helper process (EnginePlacer)', function () {
  this.timeout(60_000)
  const own = cpusOf()
  const cpus = parseCpuList(own)
  let placer: EnginePlacer | undefined

  after(async () => {
    for (const t of threadsOf()) pinThread(own, t.tid)
    await placer?.stop()
  })

  it('moves this process\'s main thread and libuv\'s pool to the engine\'s CPU and back, leaving V8\'s helpers', async () => {
    const last = String(cpus[cpus.length - 1])
    // libuv's pool starts on first use; the direct engine's decoding is what starts it in the bench
    await readFile(`/proc/${process.pid}/status`)
    placer = await EnginePlacer.start()
    const pool = threadsOf().filter(t => t.name === 'libuv-worker').map(t => t.tid)
    assert.ok(pool.length > 0, 'the pool has started')
    await placer.place(last)
    assert.equal(await allowed(process.pid), last, 'main thread')
    for (const t of pool) assert.equal(await allowed(t), last, `pool thread ${t}`)
    const helpers = threadsOf().filter(t => t.name.startsWith('V8'))
    for (const t of helpers) assert.deepEqual(parseCpuList(await allowed(t.tid) ?? ''), cpus, `V8 helper ${t.tid} stays where it was`)
    await placer.place(own)
    assert.deepEqual(parseCpuList(await allowed(process.pid) ?? ''), cpus, 'main thread back on all CPUs')
    for (const t of pool) assert.deepEqual(parseCpuList(await allowed(t) ?? ''), cpus, `pool thread ${t} back`)
  })

  it('reports a CPU list taskset refuses as an error, and keeps working', async () => {
    placer ??= await EnginePlacer.start()
    await assert.rejects(placer.place('4096'), /cannot move the engine to CPUs 4096/)
    await placer.place(own)
  })
})
