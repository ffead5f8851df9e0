/** Every bench module of `npm run bench`, in the order they run, and the goals of the issues they measure. */
import type { Figures, Goal } from './lib-report.js'

export type BenchModule = { run: () => Promise<Figures> }

export const BENCHES: Array<{ name: string, what: string, load: () => Promise<BenchModule> }> = [
  { name: 'seal', what: 'sealing cost per job and per chunk', load: async () => import('./seal.js') },
  { name: 'attestation', what: 'certificate issue and verification', load: async () => import('./attestation.js') },
  { name: 'models', what: 'engine on the built-in model', load: async () => import('./models.js') },
  { name: 'gateway', what: 'HTTP gateway over an instant backend', load: async () => import('./gateway.js') },
  { name: 'chain', what: 'contract gas and devnet lookups', load: async () => import('./chain.js') },
  { name: 'swarm', what: 'capacity gossip in a 50-node swarm (issue 2)', load: async () => import('./swarm.js') },
  { name: 'relay', what: 'one proxy relaying synthetic streams (issue 4)', load: async () => import('./relay.js') },
  { name: 'network', what: 'network path vs engine directly (issue 4)', load: async () => import('./network.js') },
  { name: 'client', what: 'light client start and memory, gateway overhead (issue 7)', load: async () => import('./client.js') }
]

/** The goals of issues 2, 4 and 7, by the figure that measures each. */
export const GOALS: Goal[] = [
  { bench: 'swarm', figure: 'joinToFirstProxyP50Ms', op: '<=', at: 2000, label: 'new worker in a proxy table, 50-node swarm, p50' },
  { bench: 'swarm', figure: 'joinToFirstProxyMaxMs', op: '<=', at: 2000, label: 'new worker in a proxy table, 50-node swarm, max' },
  // Paired: the network answers' own engine time set against the direct engine's, so that how fast the two engines
  // happened to run (±5-10% per run on a shared VM) does not decide it; the plain ratio is printed beside it.
  { bench: 'network', figure: 'networkToDirectRatioAtEqualEngines', op: '>=', at: 0.95, label: 'network tokens/s vs engine directly (at equal engines)' },
  { bench: 'network', figure: 'networkFirstTokenOverheadP50Ms', op: '<=', at: 5, label: 'first-token overhead of the network path, p50, loopback' },
  { bench: 'relay', figure: 'concurrent16TokensPerSecond', op: '>=', at: 20_000, label: 'tokens/s one proxy relays' },
  { bench: 'relay', figure: 'proxyRss1000StreamsMiB', op: '<', at: 300, label: 'proxy RSS with 1,000 concurrent streams (MiB)' },
  { bench: 'client', figure: 'clientRssReadyMiB', op: '<', at: 60, label: 'light client RSS (MiB)' },
  { bench: 'client', figure: 'createToReadyP50Ms', op: '<', at: 1000, label: 'createClient to ready' }
]
