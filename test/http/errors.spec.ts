import assert from 'node:assert/strict'
import { CocoonError, ErrorCodes } from '../../protocols/common/errors.js'
import { describeError, InvalidRequestBodyError, statusForCode } from '../../node/http/errors.js'
import { formatPath } from '../../node/http/schemas.js'

describe('gateway error mapping', () => {
  it('maps every Cocoon error code to the agreed HTTP status', () => {
    const expected: Record<string, number> = {
      BAD_REQUEST: 400, MALFORMED: 400, UNAUTHORIZED: 401, PAYMENT: 402, UNKNOWN_MODEL: 404, RATE_LIMITED: 429,
      NO_CAPACITY: 503, WORKER_LOST: 503, ATTESTATION: 503, TIMEOUT: 504
    }
    for (const code of ErrorCodes) assert.equal(statusForCode(code), expected[code] ?? 500, code)
  })

  it('describes a CocoonError as an OpenAI error body, with Retry-After from retryAfterMs', () => {
    const d = describeError(new CocoonError('RATE_LIMITED', 'slow down', { retryAfterMs: 2100 }))
    assert.equal(d.status, 429)
    assert.equal(d.retryAfterSeconds, 3)
    assert.equal(d.unexpected, false)
    assert.deepEqual(d.body, { error: { message: 'slow down', type: 'rate_limit_error', code: 'RATE_LIMITED', param: null } })
  })

  it('recognises a coded error from another package copy by its code', () => {
    const foreign = Object.assign(new Error('gone'), { code: 'WORKER_LOST' })
    assert.equal(describeError(foreign).status, 503)
  })

  it('hides the message of an uncoded error and flags it as unexpected', () => {
    const d = describeError(new TypeError('secret internals at /home/x'))
    assert.equal(d.status, 500)
    assert.equal(d.unexpected, true)
    assert.equal(d.body.error.code, 'INTERNAL')
    assert.doesNotMatch(d.body.error.message, /secret/)
  })

  it('keeps the param of a validation error', () => {
    const d = describeError(new InvalidRequestBodyError("invalid 'top_p'", 'top_p'))
    assert.equal(d.status, 400)
    assert.equal(d.body.error.param, 'top_p')
    assert.equal(d.body.error.type, 'invalid_request_error')
  })

  it('names nested fields the way OpenAI does', () => {
    assert.equal(formatPath(['messages', 2, 'content', 0, 'text']), 'messages[2].content[0].text')
    assert.equal(formatPath([]), null)
  })
})
