import { InMemoryRegistry } from '../test/attestation/in-memory-registry.js'
import { performance } from 'node:perf_hooks'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import {
  AttestationCache, createTestAuthority, decodeCertificate, DEV_IMAGE_HASH, DevTeeProvider, encodeCollateral,
  issueCertificate, verifyCertificate
} from '../protocols/attestation/index.js'

const COLD_RUNS = 40
const CACHED_RUNS = 5000
const ISSUE_RUNS = 20

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

const round = (n: number, digits = 3): number => Number(n.toFixed(digits))

/**
 * Certificate verification cost: cold (full DCAP quote verification + signature + registry reads against an
 * in-memory registry) and cached (an AttestationCache hit within the registry TTL), plus issuing and sizes.
 */
export async function run (): Promise<Record<string, number | string>> {
  let t = performance.now()
  const authority = await createTestAuthority()
  const authorityCreateMs = performance.now() - t

  const privateKey = await generateKeyPair('Ed25519')
  const tee = new DevTeeProvider(authority)
  const options = {
    privateKey,
    sealPublicKey: new Uint8Array(32).fill(7),
    payoutAddress: 'EQD__________________________________________0vo',
    gpu: 'NVIDIA H100',
    modelHashes: [new Uint8Array(32).fill(1)],
    tee
  }
  const issueTimes: number[] = []
  let issued = await issueCertificate(options)
  for (let i = 0; i < ISSUE_RUNS; i++) {
    t = performance.now()
    issued = await issueCertificate(options)
    issueTimes.push(performance.now() - t)
  }

  const registry = new InMemoryRegistry().acceptRoot(authority.rootHash).allowImage(DEV_IMAGE_HASH)
  registry.setWorker(issued.claims.workerKey, { certHash: issued.hash, imageHash: DEV_IMAGE_HASH, expiresAt: issued.claims.notAfter, stake: 1n, active: true })
  const expectedPeerId = peerIdFromPrivateKey(privateKey)

  const coldTimes: number[] = []
  for (let i = 0; i < COLD_RUNS; i++) {
    t = performance.now()
    await verifyCertificate(issued.bytes, issued.collateral, { registry, expectedPeerId })
    coldTimes.push(performance.now() - t)
  }

  const cache = new AttestationCache({ registry })
  await cache.verify(issued.bytes, issued.collateral, { expectedPeerId })
  t = performance.now()
  for (let i = 0; i < CACHED_RUNS; i++) await cache.verify(issued.bytes, issued.collateral, { expectedPeerId })
  const cachedMs = (performance.now() - t) / CACHED_RUNS

  return {
    authorityCreateMs: round(authorityCreateMs, 1),
    issueMedianMs: round(median(issueTimes)),
    verifyColdMedianMs: round(median(coldTimes)),
    verifyColdMeanMs: round(coldTimes.reduce((a, b) => a + b, 0) / coldTimes.length),
    verifyCachedMeanMs: round(cachedMs, 4),
    coldOverCachedRatio: round(median(coldTimes) / cachedMs, 0),
    quoteBytes: decodeCertificate(issued.bytes).message.quote.length,
    certificateBytes: issued.bytes.length,
    collateralJsonBytes: encodeCollateral(issued.collateral).length
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run())
}
