/**
 * Attestation: worker certificates bound to TEE quotes, their verification against the registry, and
 * /cocoon/attest/1.0.0 which serves them.
 */
export { AttestationCache, type AttestationCacheInit, type AttestationCacheStats } from './cache.js'
export {
  certificateHash, claimsOf, decodeCertificate, encodeCertificate, encodeCertificateBody, reportDataFor, signingBytesFor,
  Certificate, CertificateBody, type CertificateBodyFields, type CertificateClaims, type DecodedCertificate
} from './certificate.js'
export { checkBinding, checkPresenter, checkRootAccepted, checkStanding, checkValidityWindow, type RegistryStanding } from './checks.js'
export { decodeCollateral, encodeCollateral, normalizeCollateral, type Collateral } from './collateral.js'
export * from './constants.js'
export {
  attestationError, attestationReasonOf, AttestationReasons, isAttestationReason, type AttestationReason,
  CollateralFetchError, TeeError, TsmContendedError, TsmEmptyQuoteError, TsmIoError, TsmUnavailableError, TsmWrongProviderError
} from './errors.js'
export { fetchCertificate, serveAttestRequest, toAttestError, type AttestDialer, type AttestationBundle, type FetchCertificateOptions } from './handler.js'
export { issueCertificate, type IssueCertificateOptions, type IssuedCertificate } from './issue.js'
export { DEV_IMAGE_HASH, DEV_IMAGE_MEASUREMENTS, imageHashOf, MEASUREMENT_BYTES, type TdMeasurements } from './measurements.js'
export { parseTdxQuote, verifyQuoteAgainstRoot, type ParsedTdxQuote, type QuoteVerdict } from './quote.js'
export type { RegistryView, WorkerEntry } from './registry.js'
export { INTEL_ROOT_CA_DER, INTEL_ROOT_CA_HASH, rootCaHash } from './roots.js'
export { attestationService, AttestationService, type AttestationServiceComponents, type AttestationServiceInit, type AttestRegistrar } from './service.js'
export type { TeeEvidence, TeeProvider } from './tee.js'
export { collateralNextUpdate, TdxTeeProvider, type CollateralFetcher, type TdxTeeProviderInit, type TsmFileSystem } from './tdx-tee.js'
export { establishEvidence, readStanding, verifyCertificate, type CertificateEvidence, type VerifiedCertificate, type VerifyCertificateOptions } from './verify.js'
export { createTestAuthority, TestAuthority, type CreateTestAuthorityOptions, type QuoteRequest, type TestAuthorityState } from './dev-tee/authority.js'
export { DevTeeProvider } from './dev-tee/provider.js'
export { loadOrCreateTestAuthority, loadTestAuthority, saveTestAuthority } from './dev-tee/store.js'
