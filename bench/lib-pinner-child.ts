/**
 * Child of bench/lib-test-network.ts (EnginePlacer): moves threads of another process between CPUs with `taskset`,
 * so that the process being moved never forks to do it. Reads command lines `pin <cpu list> <tid>,<tid>,...` on
 * stdin and answers each with `{"event": <the same line>, "error"?: <why>}`; prints `{"event":"ready"}` first and
 * exits when its stdin closes.
 */
import { createInterface } from 'node:readline'
import { pinThread } from '../node/cpu-affinity.js'

const reply = (event: Record<string, unknown>): void => { process.stdout.write(`${JSON.stringify(event)}\n`) }

createInterface({ input: process.stdin }).on('line', line => {
  const [command, cpus, tids] = line.split(' ')
  try {
    if (command !== 'pin' || cpus == null || tids == null) throw new Error(`unknown command: ${line}`)
    for (const tid of tids.split(',')) pinThread(cpus, Number(tid))
    reply({ event: line })
  } catch (err) {
    reply({ event: line, error: (err as Error).message })
  }
}).on('close', () => { process.exit(0) })
reply({ event: 'ready' })
