import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { attestationService, type AttestationService } from '../../protocols/attestation/index.js'

export type AttestServices = { identify: ReturnType<ReturnType<typeof identify>>, attest: AttestationService }

/** A loopback libp2p node that serves /cocoon/attest/1.0.0 (with `bundle`, that certificate; without, an error frame). */
export async function startAttestNode (privateKey?: PrivateKey, bundle?: Parameters<typeof attestationService>[0]): Promise<Libp2p<AttestServices>> {
  return await createLibp2p<AttestServices>({
    ...(privateKey == null ? {} : { privateKey }),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { inboundConnectionThreshold: 1000 },
    services: { identify: identify(), attest: attestationService(bundle) }
  })
}
