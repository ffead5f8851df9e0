/** Tunables of the OpenAI-compatible gateway, each with its default and why. */

/** Loopback only: the gateway spends the node's money, so exposing it is an explicit choice. */
export const DEFAULT_HOST = '127.0.0.1'

/** The port every OpenAI client example in the docs points at. */
export const DEFAULT_PORT = 8080

/**
 * Largest request body accepted, in bytes. 4 MiB holds a ~1M-character prompt, past the context
 * of any model we serve, while keeping a hostile client from making us buffer without bound.
 */
export const MAX_BODY_BYTES = 4 * 1024 * 1024

/** OpenAI accepts at most 4 stop sequences; we keep the same limit so clients behave the same. */
export const MAX_STOP_SEQUENCES = 4

/** Longest single stop sequence, in characters; longer ones are a client bug, not a real stop. */
export const MAX_STOP_LENGTH = 256

/** Most messages in one chat request; far above real conversations, bounds validation work. */
export const MAX_MESSAGES = 4096

/**
 * How long `close()` waits for in-flight requests to finish after their jobs were aborted before
 * it drops their sockets. Aborted jobs end within one event-loop turn, so this is generous.
 */
export const CLOSE_GRACE_MS = 1000

/** Prefixes of response ids, as OpenAI spells them (some clients look at them). */
export const CHAT_ID_PREFIX = 'chatcmpl-'
export const COMPLETION_ID_PREFIX = 'cmpl-'

/** `owned_by` in `/v1/models`: models are served by the network, not by one organisation. */
export const MODEL_OWNER = 'cocoon'

/** Where `cocoon chat` looks for a gateway when neither --gateway nor COCOON_GATEWAY is given. */
export const DEFAULT_GATEWAY_URL = `http://${DEFAULT_HOST}:${DEFAULT_PORT}`
