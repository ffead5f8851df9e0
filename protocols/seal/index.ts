/**
 * End-to-end encryption of job payloads to the worker's attested X25519 seal key.
 *
 * X25519(ephemeral, workerSealKey) -> HKDF-SHA256(salt = jobId, info = 'cocoon/seal/v1' ||
 * ephemeralKey || workerSealKey || attempt) -> request, response and client->worker keys, each
 * used with ChaCha20-Poly1305 and a per-direction sequence number as the nonce. The proxy relays
 * the ciphertexts and can neither read them nor drop, reorder, replay or truncate them unnoticed.
 * Pure: no I/O, no clock; the only randomness is the client's ephemeral key.
 */
export { generateSealKeyPair, sealPublicKeyOf, deriveSessionKeys } from './keys.js'
export type { SealKeyPair, SessionKeys } from './keys.js'
export { sealJob, ClientSession } from './client.js'
export type { Agreement, SealedJob, SealJobInput } from './client.js'
export { SealPreparer, type SealPreparerInit } from './prepared.js'
export { OpeningPreparer, type AnnouncedSeal, type OpeningPreparerInit, type PreparedOpening } from './announced.js'
export { openJob, WorkerSession } from './worker.js'
export type { OpenJobInput } from './worker.js'
export type { SealedChunk } from './channel.js'
export type { IntegrityReason } from './errors.js'
export * from './constants.js'
