/**
 * sha256 of catalog builds, each the Git LFS oid Hugging Face shows on the named file's page
 * ("Git LFS Details • SHA256") in bartowski's repository, at the revision given here. The hash
 * is tied to that revision because bartowski re-uploads builds: the same file name had other
 * hashes at other revisions (Qwen2.5-7B-Instruct-Q8_0.gguf has had three), so the catalog's
 * download URL names the revision too, and its bytes are exactly the ones hashed here.
 *
 * A build is listed only when its own page was found: same repository, same file name. Hashes
 * of other uploaders' copies (lmstudio-community, QuantFactory...) are different bytes and are
 * not used. Builds missing here keep `sha256Source: 'on-add'`.
 */

export interface PublishedHash {
  /** Commit of bartowski's repository the page was shown at (40 hex digits). */
  revision: string
  /** Lowercase hex. */
  sha256: string
}

/** Keyed by catalog id. The page is `https://huggingface.co/bartowski/<repo>/blob/<revision>/<file>`. */
export const PUBLISHED_HASHES: Readonly<Record<string, PublishedHash>> = Object.freeze({
  'qwen2.5-0.5b-instruct-q4_k_m': { revision: 'b26a58accf53b1a19fbc555d52fdb224bec473f5', sha256: '6eb923e7d26e9cea28811e1a8e852009b21242fb157b26149d3b188f3a8c8653' },
  'qwen2.5-1.5b-instruct-q4_k_m': { revision: '85553858e3522ce5b531285b2202bdb40fab1624', sha256: '50961d9b7d3b89e46be230528fc66d38bbdda8ac3748323dd34f129a714124fc' },
  'qwen2.5-7b-instruct-q4_k_m': { revision: 'f4b6063c19a94c15fe9031d8afbbb9df7ec8b93f', sha256: '65b8fcd92af6b4fefa935c625d1ac27ea29dcb6ee14589c55a8f115ceaaa1423' },
  'qwen2.5-7b-instruct-q8_0': { revision: '27358759060b5be6a899fcecca570138854e25ba', sha256: '9c6a6e61664446321d9c0dd7ee28a0d03914277609e21bc0e1fce4abe780ce1b' },
  'deepseek-r1-distill-qwen-1.5b-q8_0': { revision: '755373c6eceff0e2f5ef39080d60154619779b2f', sha256: '166baa90e6a963de31a7713ff034f82317ff1fa41602f7c3ce583d3f6b551829' },
  'deepseek-r1-distill-qwen-7b-q8_0': { revision: 'cda6cff2762a8e08b66e340fcad60dd1e4c17e1d', sha256: 'cae89f90c4c2f1894c95393903d2a9776aea7083023ae6cd285b1cc7adafc323' },
  'llama-3.2-1b-instruct-q4_k_m': { revision: 'd52af3776f99ddf220e5ffd3f93b2a4e4df105be', sha256: '6f85a640a97cf2bf5b8e764087b1e83da0fdb51d7c9fab7d0fece9385611df83' },
  'llama-3.2-1b-instruct-q8_0': { revision: '4472c06b5ae519c96d36ebebb25f9578d6b66a49', sha256: '432f310a77f4650a88d0fd59ecdd7cebed8d684bafea53cbff0473542964f0c3' },
  'llama-3.2-3b-instruct-q4_k_m': { revision: 'c346bfc2029e79ba6d7edf026cf01fe44242db0d', sha256: '6c1a2b41161032677be168d354123594c0e6e67d2b9227c84f296ad037c728ff' },
  'llama-3.2-3b-instruct-q8_0': { revision: '5ab33fa94d1d04e903623ae72c95d1696f09f9e8', sha256: 'b5607b5090a8280063fff2d706bb3408ca6542341b06aab39c3eca0a28575921' }
})
