/**
 * One bench in a process of its own (bench/run.ts forks this per bench): a bench measures the engine, the light
 * client and the timing of this process, and must not inherit what an earlier bench left in it (heap, timers,
 * compiled code, sockets closing). Sends `{ ok, figures }` or `{ ok: false, error }` to the parent over IPC.
 */
import { BENCHES } from './benches.js'

export type OneBenchResult = { ok: true, figures: Record<string, number | string> } | { ok: false, error: string, stack?: string }

async function main (): Promise<OneBenchResult> {
  const name = process.argv[2]
  const bench = BENCHES.find(b => b.name === name)
  if (bench == null) return { ok: false, error: `unknown bench ${String(name)}` }
  try {
    return { ok: true, figures: await (await bench.load()).run() }
  } catch (err) {
    return { ok: false, error: (err as Error)?.message ?? String(err), stack: (err as Error)?.stack }
  }
}

const result = await main()
if (process.send == null) {
  process.stdout.write(`${JSON.stringify(result)}\n`)
  process.exit(result.ok ? 0 : 1)
} else {
  // Exit once the parent has the result: a bench may leave handles that would keep this process alive.
  process.send(result, () => process.exit(result.ok ? 0 : 1))
}
