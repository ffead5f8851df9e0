import assert from 'node:assert/strict'
import { Command } from 'commander'
import { CocoonError } from '../../protocols/common/errors.js'
import { registerChatCommand, type ChatCommandIO } from '../../node/cli/chat.js'
import { startGateway, type Gateway } from '../../node/http/gateway.js'
import { ScriptedBackend } from './scripted-backend.js'

interface Captured { stdout: string, stderr: string, exitCode?: number, writes: number }

async function runCli (args: string[], stdin = ''): Promise<Captured> {
  const captured: Captured = { stdout: '', stderr: '', writes: 0 }
  const io: ChatCommandIO = {
    stdout: { write: (t: string) => { captured.stdout += t; captured.writes++ } },
    stderr: { write: (t: string) => { captured.stderr += t } },
    readStdin: async () => stdin,
    setExitCode: code => { captured.exitCode = code }
  }
  const program = new Command('cocoon').exitOverride().configureOutput({ writeErr: t => { captured.stderr += t } })
  registerChatCommand(program, io)
  await program.parseAsync(['chat', ...args], { from: 'user' })
  return captured
}

describe('cocoon chat', () => {
  let backend: ScriptedBackend
  let gateway: Gateway

  before(async () => {
    backend = new ScriptedBackend({
      models: [{ id: 'idle', workers: 0 }, { id: 'tiny', workers: 2 }],
      failBefore: { full: new CocoonError('NO_CAPACITY', 'no worker has a free slot') }
    })
    gateway = await startGateway({ backend, port: 0, apiKey: 'k' })
  })

  after(async () => { await gateway.close() })

  it('streams the answer token by token, with a newline at the end', async () => {
    const out = await runCli(['--gateway', gateway.url, '--api-key', 'k', '--model', 'tiny', '--max-tokens', '9', 'Say', 'hello'])
    assert.equal(out.stdout, 'Hello, world!\n')
    assert.equal(out.writes, 5, 'four deltas and the newline, written as they came')
    assert.equal(out.exitCode, undefined)
    assert.deepEqual(backend.requests.at(-1), { model: 'tiny', messages: [{ role: 'user', content: 'Say hello' }], maxTokens: 9 })
  })

  it('picks the first model with workers, and reads the prompt from stdin with "-"', async () => {
    const out = await runCli(['--gateway', gateway.url, '--api-key', 'k', '-s', 'be brief', '-'], 'from stdin\n')
    assert.equal(out.stdout, 'Hello, world!\n')
    assert.deepEqual(backend.requests.at(-1)?.messages, [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'from stdin' }])
    assert.equal(backend.requests.at(-1)?.model, 'tiny')
  })

  it('reads the gateway URL and key from the environment', async () => {
    process.env.COCOON_GATEWAY = gateway.url
    process.env.COCOON_API_KEY = 'k'
    try {
      const out = await runCli(['--model', 'tiny', 'hi'])
      assert.equal(out.stdout, 'Hello, world!\n')
    } finally {
      delete process.env.COCOON_GATEWAY
      delete process.env.COCOON_API_KEY
    }
  })

  it('prints one line and exits non-zero on a gateway error', async () => {
    const out = await runCli(['--gateway', gateway.url, '--api-key', 'k', '--model', 'full', 'hi'])
    assert.equal(out.exitCode, 1)
    assert.equal(out.stderr, 'cocoon chat: no worker has a free slot (NO_CAPACITY)\n')
    assert.equal(out.stdout, '')
  })

  it('says how to start a gateway when none answers', async () => {
    const gone = await startGateway({ backend, port: 0 })
    await gone.close()
    const out = await runCli(['--gateway', gone.url, 'hi'])
    assert.equal(out.exitCode, 1)
    assert.match(out.stderr, /^cocoon chat: cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+ — is `cocoon network` or `cocoon start --role client --http \.\.\.` running\?\n$/)
  })

  it('rejects a bad --max-tokens before calling anything', async () => {
    await assert.rejects(runCli(['--gateway', gateway.url, '--max-tokens', '0', 'hi']), (err: unknown) => (err as { code?: string }).code === 'commander.invalidArgument')
  })
})
