import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const script = join(process.cwd(), 'test/contracts/run-devnet-cli.ts')

describe('contracts: cocoon devnet command', function () {
  this.timeout(120_000)

  it('prints the endpoint, registry and admin, serves them, and stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cocoon-devnet-cli-'))
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', script, 'devnet', '--port', '0', '--data', dir], {
        env: { ...process.env, COCOON_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe']
      })
      let out = ''
      child.stdout.on('data', (c: Buffer) => { out += c.toString() })
      const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
      while (!out.includes('admin:')) {
        if (child.exitCode != null) assert.fail(`devnet exited early: ${out}`)
        await new Promise(resolve => setTimeout(resolve, 100))
      }
      const endpoint = /endpoint:\s+(\S+)/.exec(out)?.[1]
      const registry = /registry:\s+(\S+)/.exec(out)?.[1]
      assert.match(endpoint ?? '', /^http:\/\/127\.0\.0\.1:\d+\/jsonRPC$/)
      const info = JSON.parse(await readFile(join(dir, 'devnet.json'), 'utf8'))
      assert.equal(info.registryAddress, registry)
      const res = await fetch(endpoint!, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'getAddressInformation', params: { address: registry } }) })
      assert.equal((await res.json()).result.state, 'active')
      child.kill('SIGTERM')
      assert.equal(await exited, 0)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('rejects a bad port with one line and a non-zero exit', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, 'devnet', '--port', 'x'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let err = ''
    child.stderr.on('data', (c: Buffer) => { err += c.toString() })
    const code = await new Promise<number | null>(resolve => child.on('exit', c => resolve(c)))
    assert.notEqual(code, 0)
    assert.match(err, /invalid --port/)
  })
})
