/**
 * A Server-Sent-Events parser following the WHATWG event-stream rules: lines end in LF, CRLF or
 * CR (split anywhere across chunks), `data:` lines of one event are joined with LF, a blank line
 * dispatches, lines starting with `:` are comments, one space after the colon is dropped.
 */
export interface SseEvent {
  /** The `event:` field; 'message' when absent. */
  event: string
  data: string
  id?: string
}

export async function * parseSse (chunks: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder('utf-8')
  const builder = new EventBuilder()
  let buffer = ''
  for await (const chunk of chunks) {
    buffer += decoder.decode(chunk, { stream: true })
    let start = 0
    for (;;) {
      const end = findLineEnd(buffer, start)
      if (end == null) break
      const event = builder.line(buffer.slice(start, end.index))
      if (event != null) yield event
      start = end.next
    }
    buffer = buffer.slice(start)
  }
  buffer += decoder.decode()
  // the stream ended: a last unterminated line still counts, but an undispatched event does not
  if (buffer !== '') {
    for (const line of buffer.split(/\r\n|\r|\n/)) {
      const event = builder.line(line)
      if (event != null) yield event
    }
  }
}

/** Where the next line ends; null while a CR at the very end might still be followed by LF. */
function findLineEnd (buffer: string, from: number): { index: number, next: number } | null {
  for (let i = from; i < buffer.length; i++) {
    const c = buffer.charCodeAt(i)
    if (c === 10) return { index: i, next: i + 1 }
    if (c === 13) {
      if (i + 1 === buffer.length) return null
      return { index: i, next: buffer.charCodeAt(i + 1) === 10 ? i + 2 : i + 1 }
    }
  }
  return null
}

class EventBuilder {
  private data: string[] = []
  private event = ''
  private id: string | undefined

  /** Feeds one line; returns the event a blank line completes. */
  line (line: string): SseEvent | null {
    if (line === '') return this.dispatch()
    if (line.startsWith(':')) return null
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') this.data.push(value)
    else if (field === 'event') this.event = value
    else if (field === 'id' && !value.includes('\0')) this.id = value
    return null
  }

  private dispatch (): SseEvent | null {
    const hadData = this.data.length > 0
    const event: SseEvent = { event: this.event === '' ? 'message' : this.event, data: this.data.join('\n') }
    if (this.id != null) event.id = this.id
    this.data = []
    this.event = ''
    return hadData ? event : null
  }
}
