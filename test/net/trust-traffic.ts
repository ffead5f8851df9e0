import { join } from 'node:path'
import OpenAI from 'openai'
import { readStatus } from '../../node/status.js'
import type { TestNetwork } from './harness.js'

export interface ChatTally {
  ok: number
  failed: string[]
}

/** Sends `count` short chat completions through the gateway, `concurrency` at a time; never throws. */
export async function chatMany (net: TestNetwork, count: number, concurrency = 2): Promise<ChatTally> {
  const openai = new OpenAI({ baseURL: `${net.gatewayUrl}/v1`, apiKey: 'unused', maxRetries: 0 })
  const tally: ChatTally = { ok: 0, failed: [] }
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++
      try {
        const answer = await openai.chat.completions.create({ model: 'cocoon-tiny', messages: [{ role: 'user', content: `trust check ${i}` }], max_tokens: 4 })
        if (answer.usage?.completion_tokens !== 4) throw new Error(`expected 4 tokens, got ${answer.usage?.completion_tokens}`)
        tally.ok++
      } catch (err) {
        tally.failed.push((err as Error).message)
      }
    }
  }))
  return tally
}

/**
 * A node's status written after `sinceMs` (nodes rewrite status.json every 2 s), so counts read from it include
 * everything that happened before `sinceMs`.
 */
export async function statusAfter (dataDir: string, sinceMs: number, timeoutMs = 15_000): Promise<NonNullable<Awaited<ReturnType<typeof readStatus>>>> {
  const deadline = Date.now() + timeoutMs
  while (true) {
    const status = await readStatus(dataDir).catch(() => undefined)
    if (status != null && status.updatedAt > sinceMs) return status
    if (Date.now() > deadline) throw new Error(`${dataDir} wrote no status after ${new Date(sinceMs).toISOString()} within ${timeoutMs} ms`)
    await sleep(200)
  }
}

/** Jobs a worker process has run to the end, as of a status written after `sinceMs`. */
export async function jobsDone (net: TestNetwork, name: string, sinceMs = Date.now()): Promise<number> {
  const status = await statusAfter(join(net.dir, name), sinceMs)
  return Number(status.extra.jobsDone ?? NaN)
}

/** Peer ids in the proxy's capacity table, as of a status written after `sinceMs`. */
export async function proxyTable (net: TestNetwork, sinceMs = Date.now()): Promise<string[]> {
  const status = await statusAfter(join(net.dir, 'proxy'), sinceMs)
  return status.capacity.map(e => e.peerId)
}

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function until (what: string, timeoutMs: number, check: () => Promise<boolean>, intervalMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`)
    await sleep(intervalMs)
  }
}

export async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}
