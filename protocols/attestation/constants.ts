/**
 * Tunables of the attestation package, each with its default and why.
 */

/** Protocol id that serves a node's certificate. */
export const ATTEST_PROTOCOL = '/cocoon/attest/1.0.0'

/**
 * Prefix the worker's libp2p key signs in front of the canonical body, so a certificate signature can never
 * be replayed as (or forged from) another message the same key signs (gossip, noise handshake, receipts).
 */
export const ATTESTATION_SIGNING_DOMAIN = 'cocoon-attestation-certificate-v1:'

/** The only TEE kind verified today. */
export const TEE_TDX = 'tdx'

/**
 * How long a registry answer (accepted roots, image allow-list, worker entry) is trusted.
 * @default 5_000 - a slashed or unbonded worker is refused again within seconds, yet a burst of gossip
 * about one worker costs one chain read.
 */
export const REGISTRY_TTL_MS = 5_000

/**
 * Share of REGISTRY_TTL_MS after which a registry answer still in use is re-read in the background: callers keep
 * the cached answer (never older than the TTL) and do not wait for the chain. Without it, every TTL the next job
 * waited on a chain read on the client and again on the proxy (5-10 ms on the devnet, a round trip to a TON API
 * in production).
 * @default 0.5
 */
export const REGISTRY_REFRESH_AHEAD = 0.5

/**
 * How long a refusal is remembered per certificate hash.
 * @default 10_000 - long enough that a peer replaying a bad certificate cannot make us re-run the
 * quote verification (a few ms of CPU each), short enough that a worker that just registered is retried soon.
 */
export const REFUSAL_TTL_MS = 10_000

/**
 * Most certificates the cache holds; the oldest entry is dropped first.
 * @default 10_000 - a few MB at most, well above the workers one proxy tracks.
 */
export const CACHE_MAX_ENTRIES = 10_000

/**
 * Largest frame on /cocoon/attest/1.0.0. A real TDX quote is ~5 KB and Intel collateral ~15 KB.
 * @default 262_144
 */
export const ATTEST_MAX_MESSAGE_BYTES = 256 * 1024

/** Largest request frame (the request carries nothing today). @default 1_024 */
export const ATTEST_MAX_REQUEST_BYTES = 1024

/** Deadline for one attest exchange, each read included. @default 10_000 */
export const ATTEST_TIMEOUT_MS = 10_000

/** Concurrent inbound attest streams per connection. @default 4 */
export const ATTEST_MAX_INBOUND_STREAMS = 4

/** Concurrent outbound attest streams per connection. @default 4 */
export const ATTEST_MAX_OUTBOUND_STREAMS = 4

/** Most model hashes a certificate may carry (bounds decoding work). @default 256 */
export const MAX_MODEL_HASHES = 256

/** Longest free-text field (gpu, payout address) in a certificate body. @default 256 */
export const MAX_TEXT_FIELD_LENGTH = 256

/**
 * Validity of a dev test authority's certificates and collateral.
 * @default 3650 days - the dev authority is shared on disk by local processes and nothing refreshes it;
 * Intel's real collateral is refreshed monthly by whoever serves it.
 */
export const TEST_AUTHORITY_VALIDITY_DAYS = 3650

/**
 * Clock skew tolerated when a certificate's or authority's validity starts.
 * @default 3_600 seconds - certificates are issued with notBefore an hour back.
 */
export const CLOCK_SKEW_SECONDS = 3600

/**
 * Default certificate lifetime when the caller gives none.
 * @default 86_400 seconds - one day, as Telegram's Cocoon does; workers renew and re-anchor daily.
 */
export const DEFAULT_CERTIFICATE_LIFETIME_SECONDS = 86_400

/**
 * How far back a new certificate's notBefore is set, so verifiers whose clocks run a little behind accept it.
 * @default 300 seconds
 */
export const CERTIFICATE_BACKDATE_SECONDS = 300

/** Where the Linux configfs-tsm report interface lives (kernel >= 6.7 with configfs mounted). */
export const TSM_REPORT_ROOT = '/sys/kernel/config/tsm/report'

/** What a report directory's `provider` file reads in a TDX guest. */
export const TSM_PROVIDER_TDX = 'tdx_guest'

/**
 * Where a TDX worker fetches its quote's collateral (TCB Info, QE Identity, CRLs).
 * @default INTEL_PCS_URL of @phala/dcap-qvl (https://api.trustedservices.intel.com) - Intel's own service
 * needs no account for these endpoints and adds no third party to the trust path; a cloud's or Phala's PCCS
 * (`--pccs URL`) caches the same Intel-signed documents and can be faster.
 */
export const DEFAULT_PCCS_URL = 'https://api.trustedservices.intel.com'

/**
 * Fetched collateral is reused until this long before its earliest nextUpdate.
 * @default 86_400_000 ms - one default certificate lifetime, so a certificate issued with cached collateral
 * carries collateral that stays current for the whole certificate.
 */
export const COLLATERAL_REFRESH_MARGIN_MS = DEFAULT_CERTIFICATE_LIFETIME_SECONDS * 1000
