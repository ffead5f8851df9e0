/**
 * Steal time: the share of CPU time the hypervisor gave to others while this VM's vCPUs wanted to run, from the
 * `cpu` line of /proc/stat (Linux; undefined elsewhere). On a shared VM it comes as bursts of a few ms that land
 * inside single jobs, so a run's latency figures are read beside it.
 */
import { readFileSync } from 'node:fs'

interface CpuTimes { steal: number, total: number }

function cpuTimes (): CpuTimes | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n').find(l => l.startsWith('cpu '))
    if (line == null) return undefined
    // user nice system idle iowait irq softirq steal (guest and guest_nice are already inside user and nice)
    const fields = line.trim().split(/\s+/).slice(1, 9).map(Number)
    if (fields.length < 8 || fields.some(n => !Number.isFinite(n))) return undefined
    return { steal: fields[7], total: fields.reduce((a, b) => a + b, 0) }
  } catch {
    return undefined
  }
}

/** Starts a measurement; the returned function gives the steal percentage since (undefined where unknown). */
export function measureSteal (): () => number | undefined {
  const start = cpuTimes()
  return () => {
    const end = cpuTimes()
    if (start == null || end == null || end.total <= start.total) return undefined
    return (end.steal - start.steal) / (end.total - start.total) * 100
  }
}
