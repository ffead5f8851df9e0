/** Tunables of models/, each with its default and why. */

/**
 * Concurrent sequences (slots) per loaded model when the caller does not say.
 * 4 lets a worker batch several jobs through one llama.cpp context (decode of N sequences costs
 * little more than one on a GPU) while keeping the KV cache, which grows linearly with slots, small.
 * @default 4
 */
export const DEFAULT_SLOTS = 4

/**
 * Context window of each slot in tokens, capped by the model's trained context length.
 * 4096 covers typical chat prompts plus answers; larger windows cost KV-cache memory per slot.
 * @default 4096
 */
export const DEFAULT_CONTEXT_PER_SLOT = 4096

/**
 * Models smaller than this run their math on one thread. On small matrices ggml's worker threads
 * spend more time synchronising than computing, and on a busy machine spinning threads made the
 * built-in model ~50x slower with 2 threads than with 1 (measured here: 64 tokens in 2.1 s vs 39 ms).
 * @default 64 MiB
 */
export const SINGLE_THREAD_MODEL_BYTES = 64 * 2 ** 20

/**
 * Memory kept free when deciding whether a model fits: the OS, Node and the rest of the worker
 * need some, and llama.cpp's estimates are not exact.
 * @default 512 MiB
 */
export const MEMORY_HEADROOM_BYTES = 512 * 2 ** 20

/**
 * Compute-buffer allowance added to weights + KV cache in the catalog's memory figures, for models
 * of this size or more. llama.cpp's compute buffers grow with the model's width and vocabulary,
 * so a smaller model gets an allowance equal to its own size (see CATALOG_MIN_COMPUTE_BYTES).
 * @default 300 MiB
 */
export const CATALOG_COMPUTE_OVERHEAD_BYTES = 300 * 2 ** 20

/**
 * Least compute-buffer allowance in the catalog's memory figures. node-llama-cpp estimates 23 MiB
 * of context memory (KV cache + compute) for the built-in model at 2048 tokens (measured here), so
 * 32 MiB covers it without claiming the 300 MiB a real model needs.
 * @default 32 MiB
 */
export const CATALOG_MIN_COMPUTE_BYTES = 32 * 2 ** 20

/**
 * Generated tokens that may be held back while their bytes do not yet form whole UTF-8
 * characters (byte-fallback tokens). A UTF-8 character is at most 4 bytes.
 * @default 4
 */
export const MAX_PENDING_UTF8_TOKENS = 4

/** Most stop sequences one request may carry (OpenAI allows 4; we allow a few more). @default 16 */
export const MAX_STOP_SEQUENCES = 16

/** Bytes read per chunk while hashing a model file. @default 4 MiB */
export const HASH_CHUNK_BYTES = 4 * 2 ** 20

/** Prompt and length of the start-up speed measurement: short, so a worker starts quickly. */
export const SPEED_PROMPT = 'The network of workers answers every question'
/** @default 32 tokens: enough to average out per-token jitter, short enough for a slow CPU. */
export const SPEED_TOKENS = 32
/** @default 4 tokens of warm-up first, so first-use allocations do not count. */
export const SPEED_WARMUP_TOKENS = 4
/**
 * The measurement repeats until its runs have taken this long (at most SPEED_MAX_RUNS) and keeps the best run. A fast
 * model's run lasts milliseconds, at the mercy of one scheduler hiccup: two identical workers started together
 * announced 1,191 and 610 tokens/s, and proxies ranked them that far apart for good. A slow model's one run already
 * lasts longer than this, so it pays nothing more. @default 200 ms
 */
export const SPEED_MIN_MS = 200
/** @default 5 runs */
export const SPEED_MAX_RUNS = 5

/** Default sampling temperature: 0 is greedy, so answers are reproducible unless asked otherwise. */
export const DEFAULT_TEMPERATURE = 0

/**
 * How long closing a model waits for its running jobs (already told to cancel) before it frees
 * the context anyway. Cancelled jobs end within one token, so this only matters for a consumer
 * that abandoned its stream without returning it.
 * @default 5000 ms
 */
export const CLOSE_GRACE_MS = 5000

/**
 * How long closing the engine waits for node-llama-cpp to release llama.cpp's backend. A normal
 * release takes milliseconds. In node-llama-cpp 3.21.1 a model that llama.cpp refused to load
 * (unknown architecture, wrong tensor shape...) keeps a handle on the backend, and once that
 * half-made model is garbage-collected nothing releases it, so the wait would never end. When this
 * expires the engine logs a warning and returns; the process frees the backend when it exits.
 * @default 5000 ms
 */
export const LLAMA_DISPOSE_TIMEOUT_MS = 5000

/**
 * llama.cpp log lines quoted in a ModelLoadError. node-llama-cpp's own error says only "Failed to
 * load model"; llama.cpp logged the cause just before (e.g. "unknown model architecture: 'lxama'"),
 * followed by its generic "failed to load model", so two lines are needed and three leave room.
 * @default 3
 */
export const LOAD_ERROR_LOG_LINES = 3

/**
 * How long a failed load waits before quoting llama.cpp's log. The log lines cross from llama.cpp's
 * loader thread to JavaScript through their own queue, so they can arrive after the failure itself
 * (seen here: the cause of a second refused model came only after its error had been built). Any
 * wait that lets the event loop poll once delivers them; 50 ms is that with room, on a failure path.
 * @default 50 ms
 */
export const LOAD_ERROR_LOG_WAIT_MS = 50
