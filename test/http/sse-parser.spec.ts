import assert from 'node:assert/strict'
import { parseSse, type SseEvent } from '../../node/http/sse-parser.js'

async function parse (...parts: string[]): Promise<SseEvent[]> {
  const encoder = new TextEncoder()
  async function * chunks (): AsyncGenerator<Uint8Array> { for (const p of parts) yield encoder.encode(p) }
  const out: SseEvent[] = []
  for await (const e of parseSse(chunks())) out.push(e)
  return out
}

describe('SSE parser', () => {
  it('parses data events separated by blank lines', async () => {
    assert.deepEqual(await parse('data: {"a":1}\n\ndata: [DONE]\n\n'), [
      { event: 'message', data: '{"a":1}' },
      { event: 'message', data: '[DONE]' }
    ])
  })

  it('handles LF, CRLF and CR, split anywhere across chunks', async () => {
    const text = 'data: one\r\n\r\ndata: two\r\rdata: three\n\n'
    const expected = ['one', 'two', 'three']
    for (let cut = 0; cut <= text.length; cut++) {
      const events = await parse(text.slice(0, cut), text.slice(cut))
      assert.deepEqual(events.map(e => e.data), expected, `cut at ${cut}`)
    }
  })

  it('joins multi-line data, reads event and id, skips comments', async () => {
    assert.deepEqual(await parse(': keep-alive\n', 'event: error\nid: 7\ndata: line1\ndata:line2\n\n'), [
      { event: 'error', data: 'line1\nline2', id: '7' }
    ])
  })

  it('keeps multi-byte characters split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: héllo 🌍\n\n')
    async function * chunks (): AsyncGenerator<Uint8Array> { for (const b of bytes) yield Uint8Array.of(b) }
    const out: SseEvent[] = []
    for await (const e of parseSse(chunks())) out.push(e)
    assert.deepEqual(out.map(e => e.data), ['héllo 🌍'])
  })

  it('drops an event the stream cut off before its blank line, and events with no data', async () => {
    assert.deepEqual(await parse('event: x\n\ndata: partial'), [])
  })
})
