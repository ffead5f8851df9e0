/** Tunables of DHT discovery, with their defaults and why. */

/** The private Kademlia protocol: keeps Cocoon nodes out of the public IPFS DHT. */
export const DHT_PROTOCOL = '/cocoon/kad/1.0.0'

/** Namespace of the key every proxy provides. */
export const PROXY_KEY = '/cocoon/proxy'

/** Prefix of the key a worker provides for each model it serves: `/cocoon/model/<sha256 hex>`. */
export const MODEL_KEY_PREFIX = '/cocoon/model/'

/**
 * How often we provide our keys again ourselves. kad-dht also re-provides before its 24 h record expiry; we do it
 * more often because a key first provided while the node had no peers reached nobody.
 * @default 10 minutes
 */
export const REPROVIDE_INTERVAL_MS = 10 * 60 * 1000

/** A lookup gives up after this long; callers may pass their own signal. @default 10 s */
export const LOOKUP_TIMEOUT_MS = 10_000

/** One provide round gives up after this long. @default 30 s */
export const PROVIDE_TIMEOUT_MS = 30_000

/** Wait this long after a new connection before providing again, so a burst of connections makes one provide. @default 500 ms */
export const PROVIDE_DEBOUNCE_MS = 500
