/**
 * The built-in model `cocoon-tiny`: a small llama-architecture GGUF that the code writes itself,
 * so a worker (and every test) runs real inference through llama.cpp with no download. Its
 * weights are pseudo-random from a fixed seed; it produces word soup, but deterministic word
 * soup: at temperature 0 the same prompt always gives the same tokens.
 */
import { buildVocabulary, BOS_ID, EOS_ID, UNK_ID, TokenType, type VocabEntry } from './vocabulary.js'
import { constantTensor, normalTensor, tensorSeed } from './weights.js'
import { encodeGguf, GgufValueType, type GgufTensor, type GgufValue } from '../gguf/writer.js'

export const BUILTIN_MODEL_ID = 'cocoon-tiny'
export const BUILTIN_MODEL_NAME = 'Cocoon Tiny (built-in, random weights)'
export const BUILTIN_MODEL_FILE = 'cocoon-tiny.gguf'

/** The shape of the built-in model. Changing any field changes the file and its sha256. */
export const TINY_MODEL_SPEC = Object.freeze({
  seed: 0xc0c0a,
  contextLength: 2048,
  embedding: 128,
  layers: 3,
  heads: 4,
  kvHeads: 2,
  feedForward: 384,
  rmsEpsilon: 1e-5,
  ropeFreqBase: 10000
})

/** ChatML, which node-llama-cpp recognises and maps to its ChatML chat wrapper. */
export const TINY_CHAT_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"

function str (value: string): GgufValue { return { type: GgufValueType.STRING, value } }
function u32 (value: number): GgufValue { return { type: GgufValueType.UINT32, value } }
function f32 (value: number): GgufValue { return { type: GgufValueType.FLOAT32, value } }

function metadata (vocab: VocabEntry[]): Array<[string, GgufValue]> {
  const s = TINY_MODEL_SPEC
  return [
    ['general.architecture', str('llama')],
    ['general.name', str(BUILTIN_MODEL_NAME)],
    ['general.license', str('Apache-2.0')],
    ['general.description', str('Deterministic random-weight test model written by Cocoon; not a language model.')],
    ['llama.context_length', u32(s.contextLength)],
    ['llama.embedding_length', u32(s.embedding)],
    ['llama.block_count', u32(s.layers)],
    ['llama.feed_forward_length', u32(s.feedForward)],
    ['llama.attention.head_count', u32(s.heads)],
    ['llama.attention.head_count_kv', u32(s.kvHeads)],
    ['llama.attention.layer_norm_rms_epsilon', f32(s.rmsEpsilon)],
    ['llama.rope.dimension_count', u32(s.embedding / s.heads)],
    ['llama.rope.freq_base', f32(s.ropeFreqBase)],
    ['llama.vocab_size', u32(vocab.length)],
    ['tokenizer.ggml.model', str('llama')],
    ['tokenizer.ggml.tokens', { type: GgufValueType.ARRAY, itemType: GgufValueType.STRING, value: vocab.map(v => v.piece) }],
    ['tokenizer.ggml.scores', { type: GgufValueType.ARRAY, itemType: GgufValueType.FLOAT32, value: vocab.map(v => v.score) }],
    ['tokenizer.ggml.token_type', { type: GgufValueType.ARRAY, itemType: GgufValueType.INT32, value: vocab.map(v => v.type) }],
    ['tokenizer.ggml.bos_token_id', u32(BOS_ID)],
    ['tokenizer.ggml.eos_token_id', u32(EOS_ID)],
    ['tokenizer.ggml.unknown_token_id', u32(UNK_ID)],
    ['tokenizer.ggml.padding_token_id', u32(UNK_ID)],
    ['tokenizer.ggml.add_bos_token', { type: GgufValueType.BOOL, value: true }],
    ['tokenizer.ggml.add_eos_token', { type: GgufValueType.BOOL, value: false }],
    ['tokenizer.chat_template', str(TINY_CHAT_TEMPLATE)]
  ]
}

function tensors (vocab: VocabEntry[]): GgufTensor[] {
  const s = TINY_MODEL_SPEC
  const n = s.embedding
  const kv = (n / s.heads) * s.kvHeads
  const ff = s.feedForward
  const weight = (name: string, dims: number[], std: number): GgufTensor =>
    ({ name, dims, data: normalTensor(dims[0] * (dims[1] ?? 1), tensorSeed(s.seed, name), std) })
  const ones = (name: string): GgufTensor => ({ name, dims: [n], data: constantTensor(n, 1) })

  const output = weight('output.weight', [n, vocab.length], 0.3)
  // Control, unknown and byte tokens get a zero output row (logit 0, far below the best word's),
  // so greedy decoding only ever emits printable word pieces and never ends the text by itself.
  vocab.forEach((v, id) => {
    if (v.type !== TokenType.NORMAL) output.data.fill(0, id * n, (id + 1) * n)
  })

  const list: GgufTensor[] = [weight('token_embd.weight', [n, vocab.length], 1)]
  for (let l = 0; l < s.layers; l++) {
    const b = `blk.${l}`
    list.push(
      ones(`${b}.attn_norm.weight`),
      weight(`${b}.attn_q.weight`, [n, n], 1 / Math.sqrt(n)),
      weight(`${b}.attn_k.weight`, [n, kv], 1 / Math.sqrt(n)),
      weight(`${b}.attn_v.weight`, [n, kv], 1 / Math.sqrt(n)),
      weight(`${b}.attn_output.weight`, [n, n], 1 / Math.sqrt(n)),
      ones(`${b}.ffn_norm.weight`),
      weight(`${b}.ffn_gate.weight`, [n, ff], 1 / Math.sqrt(n)),
      weight(`${b}.ffn_up.weight`, [n, ff], 1 / Math.sqrt(n)),
      weight(`${b}.ffn_down.weight`, [ff, n], 1 / Math.sqrt(ff))
    )
  }
  list.push(ones('output_norm.weight'), output)
  return list
}

/** The complete GGUF bytes of the built-in model. Pure: same bytes on every call and machine. */
export function buildTinyModelGguf (): Uint8Array {
  const vocab = buildVocabulary()
  return encodeGguf({ metadata: metadata(vocab), tensors: tensors(vocab) })
}
