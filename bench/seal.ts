import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { generateSealKeyPair, openJob, sealJob } from '../protocols/seal/index.js'

/**
 * Seal-layer cost on one core: the key exchange per job attempt, and the per-chunk cost of the
 * response stream for token-sized (64 B) and bulk (64 KiB) chunks, seal + open together.
 */

const MEASURE_MS = 1500

function newSessions (): ReturnType<typeof pair> { return pair() }

function pair (): { client: ReturnType<typeof sealJob>['session'], worker: ReturnType<typeof openJob>['session'] } {
  const keys = generateSealKeyPair()
  const jobId = randomBytes(16)
  const { sealed, session: client } = sealJob({ workerSealKey: keys.publicKey, jobId, attempt: 0, plaintext: new Uint8Array(256) })
  const { session: worker } = openJob({ sealPrivateKey: keys.privateKey, jobId, attempt: 0, sealed })
  return { client, worker }
}

function chunkThroughput (chunkBytes: number): { chunksPerSecond: number, mbPerSecond: number } {
  const { client, worker } = newSessions()
  const plaintext = randomBytes(chunkBytes)
  // warm-up so the JIT has compiled the hot path before the clock starts
  for (let i = 0; i < 200; i++) client.openChunk(worker.sealChunk(plaintext, { final: false }), false)
  let chunks = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < MEASURE_MS) {
    for (let i = 0; i < 100; i++) client.openChunk(worker.sealChunk(plaintext, { final: false }), false)
    chunks += 100
    elapsed = performance.now() - start
  }
  const seconds = elapsed / 1000
  return { chunksPerSecond: chunks / seconds, mbPerSecond: chunks * chunkBytes / seconds / 1e6 }
}

function jobsPerSecond (): number {
  for (let i = 0; i < 20; i++) pair()
  let jobs = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < MEASURE_MS) {
    pair()
    jobs++
    elapsed = performance.now() - start
  }
  return jobs / (elapsed / 1000)
}

export async function run (): Promise<Record<string, number | string>> {
  const small = chunkThroughput(64)
  const large = chunkThroughput(64 * 1024)
  const jobs = jobsPerSecond()
  const round = (n: number): number => Math.round(n * 10) / 10
  return {
    sealOpenChunk64BChunksPerSecond: Math.round(small.chunksPerSecond),
    sealOpenChunk64BMBPerSecond: round(small.mbPerSecond),
    sealOpenChunk64KiBChunksPerSecond: Math.round(large.chunksPerSecond),
    sealOpenChunk64KiBMBPerSecond: round(large.mbPerSecond),
    sealJobPlusOpenJobPerSecond: Math.round(jobs),
    sealJobPlusOpenJobMs: round(1000 / jobs),
    note: 'one core, seal + open together (both ends of the stream), ChaCha20-Poly1305 in @chainsafe/as-chacha20poly1305 (WebAssembly; opening from its ChaCha20 and Poly1305 with a constant-time tag check), X25519 in node:crypto (OpenSSL), recurring keys kept as key objects'
  }
}
