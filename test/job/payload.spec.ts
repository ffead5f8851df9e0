import assert from 'node:assert/strict'
import { CocoonError } from '../../protocols/common/errors.js'
import { toGenerateRequest } from '../../protocols/job/payload.js'
import type { JobPayload } from '../../protocols/job/gen/messages.js'

const SECRET = 'my-bank-password-hunter2'

function payload (over: Partial<JobPayload>): JobPayload {
  return { model: 'cocoon-tiny', messages: [{ role: 'user', content: 'hi' }], maxTokens: 8, seed: 1, stop: [], ...over }
}

describe('a sealed job the worker refuses', () => {
  // A worker's refusal travels back through the proxy in the clear: it must name the fault, never quote the job.
  const bad: Array<[string, JobPayload]> = [
    ['a role smuggling the secret', payload({ messages: [{ role: SECRET, content: SECRET }] })],
    ['both messages and a prompt', payload({ prompt: SECRET })],
    ['no maxTokens', payload({ maxTokens: 0, messages: [{ role: 'user', content: SECRET }] })],
    ['a temperature out of range', payload({ temperature: 7, messages: [{ role: 'user', content: SECRET }] })],
    ['a topP out of range', payload({ topP: 0, messages: [{ role: 'user', content: SECRET }] })]
  ]
  for (const [what, p] of bad) {
    it(`refuses ${what} with BAD_REQUEST and a message that quotes nothing sealed`, () => {
      assert.throws(() => toGenerateRequest(p), (err: unknown) => {
        assert.ok(err instanceof CocoonError)
        assert.equal(err.code, 'BAD_REQUEST')
        assert.ok(!err.message.includes(SECRET) && !err.message.includes('hunter2'), err.message)
        return true
      })
    })
  }

  it('accepts a well-formed job', () => {
    assert.equal(toGenerateRequest(payload({})).maxTokens, 8)
  })
})
