/** A worker's entry in the TON registry, as the attestation checks need it. */
export interface WorkerEntry {
  /** SHA-256 of the certificate the worker anchored. */
  certHash: Uint8Array
  imageHash: Uint8Array
  /** Unix seconds after which the entry no longer vouches for the certificate. */
  expiresAt: number
  /** Stake held, nanoTON. */
  stake: bigint
  /** False once unbonding or slashed. */
  active: boolean
}

/**
 * What attestation reads from the registry. Implemented over TON by `RegistryView` in contracts/chain (the
 * only implementation the product uses); tests use an in-memory one (test/attestation/in-memory-registry.ts).
 */
export interface RegistryView {
  /** SHA-256 of each root CA certificate (DER) whose quotes the registry accepts. */
  acceptedRoots (): Promise<Uint8Array[]>
  isImageAllowed (imageHash: Uint8Array): Promise<boolean>
  isModelAllowed (modelHash: Uint8Array): Promise<boolean>
  /** The entry of the worker with this raw 32-byte ed25519 key, or null. */
  workerEntry (workerKey: Uint8Array): Promise<WorkerEntry | null>
}
