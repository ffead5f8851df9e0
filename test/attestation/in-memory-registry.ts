import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import type { RegistryView, WorkerEntry } from '../../protocols/attestation/index.js'

function hex (bytes: Uint8Array): string {
  return uint8ArrayToString(bytes, 'base16')
}

/**
 * A registry held in memory, for tests and benchmarks: a test double of the TON registry, which is tested
 * for real in test/contracts and the network tests. It answers exactly as the
 * chain-backed view does, and counts reads so callers can see what a cache saved.
 */
export class InMemoryRegistry implements RegistryView {
  private readonly roots = new Map<string, Uint8Array>()
  private readonly images = new Set<string>()
  private readonly models = new Set<string>()
  private readonly workers = new Map<string, WorkerEntry>()
  /** Number of calls answered, per method. */
  readonly reads = { acceptedRoots: 0, isImageAllowed: 0, isModelAllowed: 0, workerEntry: 0 }
  /** While set, every read fails as an unreachable chain would. */
  unreachable = false

  acceptRoot (rootHash: Uint8Array): this { this.roots.set(hex(rootHash), rootHash); return this }
  rejectRoot (rootHash: Uint8Array): this { this.roots.delete(hex(rootHash)); return this }
  allowImage (imageHash: Uint8Array): this { this.images.add(hex(imageHash)); return this }
  disallowImage (imageHash: Uint8Array): this { this.images.delete(hex(imageHash)); return this }
  allowModel (modelHash: Uint8Array): this { this.models.add(hex(modelHash)); return this }
  setWorker (workerKey: Uint8Array, entry: WorkerEntry): this { this.workers.set(hex(workerKey), { ...entry }); return this }
  removeWorker (workerKey: Uint8Array): this { this.workers.delete(hex(workerKey)); return this }

  async acceptedRoots (): Promise<Uint8Array[]> {
    this.reads.acceptedRoots++
    this.failIfUnreachable()
    return [...this.roots.values()]
  }

  async isImageAllowed (imageHash: Uint8Array): Promise<boolean> {
    this.reads.isImageAllowed++
    this.failIfUnreachable()
    return this.images.has(hex(imageHash))
  }

  async isModelAllowed (modelHash: Uint8Array): Promise<boolean> {
    this.reads.isModelAllowed++
    this.failIfUnreachable()
    return this.models.has(hex(modelHash))
  }

  async workerEntry (workerKey: Uint8Array): Promise<WorkerEntry | null> {
    this.reads.workerEntry++
    this.failIfUnreachable()
    const entry = this.workers.get(hex(workerKey))
    return entry == null ? null : { ...entry }
  }

  private failIfUnreachable (): void {
    if (this.unreachable) throw new Error('registry unreachable')
  }
}
