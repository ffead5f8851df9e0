import type { PeerId } from '@libp2p/interface'
import { sha256 } from '@noble/hashes/sha2.js'
import { equals } from 'uint8arrays/equals'
import { CocoonError } from '../common/errors.js'
import { finalSigningBytes } from './codecs.js'
import type { Usage } from './gen/messages.js'

/**
 * The hash a worker commits to in `Final.outputHash`: SHA-256 over every sealed chunk it sent for the attempt, in
 * order, each as a 4-byte big-endian length and its ciphertext, the sealed final chunk included. It is taken over
 * ciphertext, not over the answer, because `Final` travels in the clear: a hash of the plaintext would let a proxy
 * confirm a guessed answer. The client recomputes it from the chunks it opened, and anyone holding the relayed
 * chunks (a proxy, an arbiter of a payment dispute) can check it without learning anything.
 */
export class ChunkTranscript {
  private readonly hash = sha256.create()
  private readonly length = new Uint8Array(4)

  add (ciphertext: Uint8Array): void {
    new DataView(this.length.buffer).setUint32(0, ciphertext.byteLength)
    this.hash.update(this.length)
    this.hash.update(ciphertext)
  }

  digest (): Uint8Array {
    return this.hash.digest()
  }
}

/**
 * The client's check of `Final`: the worker's hash matches the chunks the client received, and the worker's libp2p
 * key signed (job, attempt, usage, hash). Throws INTEGRITY otherwise: a proxy cannot swap in another answer's
 * commitment or usage without the worker's key.
 */
export async function checkFinal (worker: PeerId, jobId: Uint8Array, attempt: number, usage: Usage, outputHash: Uint8Array, workerSignature: Uint8Array, received: ChunkTranscript): Promise<void> {
  const expected = received.digest()
  if (!equals(outputHash, expected)) {
    throw new CocoonError('INTEGRITY', 'the worker\'s output hash does not match the chunks received', { reason: 'TAMPERED' })
  }
  const key = worker.publicKey
  if (key == null) throw new CocoonError('INTEGRITY', 'the worker\'s peer id carries no public key to check Final with', { reason: 'TAMPERED' })
  if (!await key.verify(finalSigningBytes(jobId, attempt, usage, outputHash), workerSignature)) {
    throw new CocoonError('INTEGRITY', 'the worker\'s signature on Final does not verify', { reason: 'TAMPERED' })
  }
}
