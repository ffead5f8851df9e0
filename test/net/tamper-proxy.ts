/**
 * A malicious proxy for the integrity tests: a libp2p node that speaks /cocoon/job/1.0.0 to a client and
 * /cocoon/work/1.0.0 to a real worker with the real codecs and framing, and relays faithfully except for one
 * chosen tampering. It offers the worker's genuine certificate (fetched over /cocoon/attest/1.0.0), so the client's
 * verification passes and only the end-to-end sealing stands between the relay and the answer.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import { Address } from '@ton/core'
import { randomBytes } from '@noble/hashes/utils.js'
import type { Libp2p } from 'libp2p'
import { BUILTIN_MODEL_SHA256 } from '../../models/index.js'
import { DevTeeProvider, encodeCollateral, fetchCertificate, issueCertificate, type AttestationBundle, type TestAuthority } from '../../protocols/attestation/index.js'
import { wireBytes } from '../../protocols/common/bytes.js'
import { CocoonError, toCocoonError } from '../../protocols/common/errors.js'
import { FrameStream } from '../../protocols/common/frames.js'
import { codecs, JOB_ID_BYTES, JOB_PROTOCOL, MAX_FRAME_BYTES, WORK_PROTOCOL, type WorkFrame } from '../../protocols/job/index.js'
import { generateSealKeyPair } from '../../protocols/seal/index.js'
import { startRawPeer } from './jobs-peers.js'

export type Tampering =
  | 'none'
  /** flips one bit of the second answer chunk's ciphertext */
  | 'flip-chunk-byte'
  /** delivers the second answer chunk (when it is not the final one) after the chunk that follows it */
  | 'swap-chunks'
  /** flips one bit of the sealed job on its way to the worker */
  | 'flip-job-byte'
  /** raises the completion tokens in the clear Final (what the proxy bills by) */
  | 'inflate-usage'
  /** replaces the worker's output hash in the clear Final (its commitment to the answer) */
  | 'forge-output-hash'
  /** drops the sealed final chunk, so the answer ends without its authenticated end marker */
  | 'drop-final-chunk'
  /** offers the real worker's genuine certificate as if it were the certificate of another peer (the proxy itself) */
  | 'foreign-certificate'
  /** offers a genuine certificate (accepted root, allowed image) of a worker key that has no registry entry */
  | 'unanchored-certificate'

/** The modes that lie in the offer: the client must refuse before sealing anything. */
export const OFFER_TAMPERINGS: readonly Tampering[] = ['foreign-certificate', 'unanchored-certificate']

/**
 * Which answer chunk (1-based) the chunk tamperings hit. The first chunk is the first token alone; the second comes
 * CHUNK_COALESCE_MS later, so it exists (and is not the final one) when the answer takes longer than that to
 * generate: tamper.spec.ts asks for 256 tokens.
 */
const TARGET_CHUNK = 2
const RELAY_TIMEOUT_MS = 30_000

function flipOneBit (bytes: Uint8Array, index: number): Uint8Array<ArrayBuffer> {
  const copy = wireBytes(Uint8Array.from(bytes))
  copy[index % copy.length] ^= 0x01
  return copy
}

export interface TamperingProxy {
  libp2p: Libp2p
  peerId: PeerId
  address: Multiaddr
  /** What the relay did, for assertions that the tampering really happened. */
  log: string[]
  stop: () => Promise<void>
}

/**
 * What the proxy offers: the worker's genuine certificate, or for the offer tamperings a certificate that does not
 * belong to the peer the offer names. `devTee` (the network's development TEE) lets it issue a valid unanchored one.
 */
async function offeredCertificate (libp2p: Libp2p, worker: PeerId, mode: Tampering, devTee?: TestAuthority): Promise<{ peer: PeerId, bundle: AttestationBundle }> {
  if (mode === 'unanchored-certificate') {
    if (devTee == null) throw new Error('unanchored-certificate needs the network\'s dev TEE authority')
    const key = await generateKeyPair('Ed25519')
    const cert = await issueCertificate({ privateKey: key, sealPublicKey: generateSealKeyPair().publicKey, payoutAddress: new Address(0, Buffer.alloc(32)).toString({ bounceable: false }), gpu: 'cpu', modelHashes: [Buffer.from(BUILTIN_MODEL_SHA256, 'hex')], tee: new DevTeeProvider(devTee) })
    return { peer: peerIdFromPrivateKey(key), bundle: { certificate: cert.bytes, collateral: cert.collateral } }
  }
  const bundle = await fetchCertificate(libp2p, worker)
  return { peer: mode === 'foreign-certificate' ? libp2p.peerId : worker, bundle }
}

export async function startTamperingProxy (worker: { peerId: PeerId, addresses: Multiaddr[] }, mode: Tampering, opts: { devTee?: TestAuthority } = {}): Promise<TamperingProxy> {
  const libp2p = await startRawPeer({ listen: true })
  await libp2p.dial(worker.addresses)
  const log: string[] = []
  await libp2p.handle(JOB_PROTOCOL, async (stream) => {
    const client = new FrameStream(stream, { maxFrameBytes: MAX_FRAME_BYTES, readTimeoutMs: RELAY_TIMEOUT_MS })
    let work: FrameStream | undefined
    try {
      const first = await client.read(codecs.client)
      if (first.route == null) throw new CocoonError('BAD_REQUEST', 'expected a route request')
      const { peer, bundle } = await offeredCertificate(libp2p, worker.peerId, mode, opts.devTee)
      const jobId = randomBytes(JOB_ID_BYTES)
      await client.write(codecs.proxy, { offer: { jobId, attempt: 1, workerPeerId: peer.toMultihash().bytes, certificate: wireBytes(bundle.certificate), collateral: wireBytes(encodeCollateral(bundle.collateral)), priceNanoPerToken: 0n } })
      if (OFFER_TAMPERINGS.includes(mode)) log.push(`offered a ${mode} naming ${peer.toString()}`)
      const { job } = await client.read(codecs.client)
      if (job == null) throw new CocoonError('BAD_REQUEST', 'expected the sealed job')
      log.push('received the sealed job')
      if (mode === 'flip-job-byte') {
        job.ciphertext = flipOneBit(job.ciphertext, 7)
        log.push('flipped a job byte')
      }
      work = new FrameStream(await libp2p.dialProtocol(worker.peerId, WORK_PROTOCOL), { maxFrameBytes: MAX_FRAME_BYTES, readTimeoutMs: RELAY_TIMEOUT_MS })
      await work.write(codecs.workRequest, { job })
      let chunks = 0
      let held: WorkFrame | undefined
      while (true) {
        const frame = await work.readOrEnd(codecs.work)
        if (frame === undefined) break
        if (frame.chunk != null) {
          chunks++
          if (mode === 'flip-chunk-byte' && chunks === TARGET_CHUNK) {
            frame.chunk.ciphertext = flipOneBit(frame.chunk.ciphertext, 0)
            log.push(`flipped a byte of chunk ${frame.chunk.seq}`)
          }
          if (mode === 'swap-chunks' && chunks === TARGET_CHUNK && !frame.chunk.final) {
            held = frame
            continue
          }
          if (mode === 'drop-final-chunk' && frame.chunk.final) {
            log.push('dropped the final chunk')
            continue
          }
          await client.write(codecs.proxy, { chunk: frame.chunk })
          if (held?.chunk != null) {
            await client.write(codecs.proxy, { chunk: held.chunk })
            log.push(`sent chunk ${held.chunk.seq} after chunk ${frame.chunk.seq}`)
            held = undefined
          }
        } else if (frame.final != null) {
          if (mode === 'inflate-usage' && frame.final.usage != null) {
            frame.final.usage = { ...frame.final.usage, completionTokens: frame.final.usage.completionTokens + 1 }
            log.push('inflated the usage')
          }
          if (mode === 'forge-output-hash') {
            frame.final.outputHash = new Uint8Array(frame.final.outputHash.byteLength).fill(0xab)
            log.push('forged the output hash')
          }
          await client.write(codecs.proxy, { final: frame.final })
          break
        } else if (frame.error != null) {
          log.push(`worker error ${frame.error.code}`)
          await client.write(codecs.proxy, { error: frame.error })
          break
        }
      }
      await client.closeWrite()
    } catch (err) {
      // the client gave up (as it must on tampering): stop the worker too
      client.abort(toCocoonError(err))
    } finally {
      work?.abort(new CocoonError('CANCELLED', 'relay over'))
    }
  })
  return { libp2p, peerId: libp2p.peerId, address: libp2p.getMultiaddrs()[0], log, stop: async () => { await libp2p.stop() } }
}
