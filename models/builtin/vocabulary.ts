/**
 * The built-in model's vocabulary: SentencePiece style, as llama.cpp's SPM tokenizer
 * (`tokenizer.ggml.model = "llama"`) expects it. Spaces are written as "▁" (U+2581), every
 * byte has a `<0xNN>` fallback token so any text tokenizes, and word pieces are reachable by
 * pairwise merges because every prefix of a piece is itself in the vocabulary.
 * The list is fixed in code, so the GGUF (and its sha256) never changes.
 */

/** llama.cpp `llama_token_attr`-era token types stored in `tokenizer.ggml.token_type`. */
export enum TokenType { NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6 }

export interface VocabEntry { piece: string, score: number, type: TokenType }

export const SPACE = '\u2581'
export const UNK_ID = 0
export const BOS_ID = 1
export const EOS_ID = 2
export const IM_START = '<|im_start|>'
export const IM_END = '<|im_end|>'

// Common English words; each becomes "▁word" plus all its prefixes.
const WORDS = (
  'the of and to in is it you that he was for on are as with his they at be this have from or one had by ' +
  'word but not what all were we when your can said there use an each which she do how their if will up other ' +
  'about out many then them these so some her would make like him into time has look two more write go see ' +
  'number no way could people my than first water been call who oil its now find long down day did get come made ' +
  'may part hello world model token worker proxy client network cocoon answer question help please thank yes ' +
  'good new work run job fast small large ton price'
).split(' ')

// Word-internal pieces (no leading space) that make subword tokenization realistic.
const SUFFIXES = ['ing', 'ed', 'er', 'ly', 'tion', 'ment', 'ness', 'est', 'es', 's', 'al', 'able', 'ful']

// Printable ASCII plus the space marker: single-character pieces.
function singleCharacters (): string[] {
  const chars: string[] = [SPACE]
  for (let c = 0x21; c <= 0x7e; c++) chars.push(String.fromCharCode(c))
  return chars
}

function prefixesOf (piece: string): string[] {
  const out: string[] = []
  for (let i = 2; i <= piece.length; i++) out.push(piece.slice(0, i))
  return out
}

/** Builds the vocabulary in id order. Pure and deterministic. */
export function buildVocabulary (): VocabEntry[] {
  const entries: VocabEntry[] = [
    { piece: '<unk>', score: 0, type: TokenType.UNKNOWN },
    { piece: '<s>', score: 0, type: TokenType.CONTROL },
    { piece: '</s>', score: 0, type: TokenType.CONTROL },
    { piece: IM_START, score: 0, type: TokenType.CONTROL },
    { piece: IM_END, score: 0, type: TokenType.CONTROL }
  ]
  for (let b = 0; b < 256; b++) {
    entries.push({ piece: `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, score: 0, type: TokenType.BYTE })
  }
  const seen = new Set(entries.map(e => e.piece))
  const merged: string[] = []
  const addMerged = (piece: string): void => {
    if (seen.has(piece)) return
    seen.add(piece)
    merged.push(piece)
  }
  for (const c of singleCharacters()) addMerged(c)
  const singles = merged.length
  for (const w of WORDS) for (const p of prefixesOf(SPACE + w)) addMerged(p)
  for (const s of SUFFIXES) for (const p of prefixesOf(s)) addMerged(p)
  // SPM merges the highest-scoring pair first. Longer pieces score higher so whole words win
  // over fragments; single characters score lowest. Scores are exact small floats.
  merged.forEach((piece, i) => {
    const score = i < singles ? -1000 - i : -1000 + piece.length * 10 - (i % 10) / 10
    entries.push({ piece, score: Math.fround(score), type: TokenType.NORMAL })
  })
  return entries
}
