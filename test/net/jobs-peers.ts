/**
 * In-process peers for the multi-process job tests: raw libp2p nodes (fuzzers, a malicious proxy), light client
 * nodes like the client role's, a verifier that checks offers against the test network's chain exactly as a
 * client does, and the identities of the network's node processes.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import type { PeerId } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { peerIdFromString } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { RegistryView } from '../../contracts/index.js'
import type { LightClient } from '../../node/client/light-client.js'
import { createClient } from '../../node/client/create-client.js'
import type { CocoonLibp2p } from '../../node/libp2p.js'
import { offerVerifier } from '../../node/roles/trust.js'
import { AttestationCache } from '../../protocols/attestation/index.js'
import type { OfferVerifier } from '../../protocols/job/index.js'
import { proc, type TestNetwork } from './harness.js'

/** A bare libp2p node (TCP, Noise, Yamux, identify, ping) that speaks no Cocoon protocol unless the test does. */
export async function startRawPeer (opts: { listen?: boolean } = {}): Promise<Libp2p> {
  return createLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    addresses: { listen: opts.listen === true ? ['/ip4/127.0.0.1/tcp/0'] : [] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { inboundConnectionThreshold: 1000 },
    services: { identify: identify(), ping: ping() }
  })
}

/** The client's check of offers (certificate, quote, registry anchoring, peer binding) against this network's chain. */
export function chainVerifier (net: TestNetwork): OfferVerifier {
  const registry = new RegistryView({ endpoint: net.endpoint, registry: net.registry })
  return offerVerifier(new AttestationCache({ registry }))
}

/** The peer id and listen addresses a node process reported when it started. */
export async function nodeIdentity (net: TestNetwork, name: string): Promise<{ peerId: PeerId, addresses: Multiaddr[] }> {
  const started = await proc(net, name).waitFor('started', 1000)
  const addresses = (started.addresses as string[] ?? []).map(a => multiaddr(a))
  return { peerId: peerIdFromString(String(started.peerId)), addresses }
}

export interface LightPeer {
  libp2p: CocoonLibp2p
  client: LightClient
  stop: () => Promise<void>
}

/** A light client as an app embeds it (`createClient`: DHT client mode, bootstrapped by the proxy), ready for jobs. */
export async function startLightPeer (net: TestNetwork): Promise<LightPeer> {
  const c = await createClient({ bootstrap: [net.proxyAddress], ton: net.endpoint, registry: net.registry, readyTimeoutMs: 60_000 })
  return { libp2p: c.libp2p, client: c.backend, stop: async () => { await c.stop() } }
}

/** Runs `fn` with extra environment variables, which node processes spawned meanwhile inherit. */
export async function withEnv<T> (env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map(k => [k, process.env[k]]))
  Object.assign(process.env, env)
  try {
    return await fn()
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
}

/** Every node process of the network still running (none crashed or exited). */
export function deadProcesses (net: TestNetwork): string[] {
  return net.processes.filter(p => p.child.exitCode != null || p.child.signalCode != null).map(p => `${p.name} (${p.child.exitCode ?? p.child.signalCode})`)
}
