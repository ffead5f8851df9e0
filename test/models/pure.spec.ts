import assert from 'node:assert/strict'
import { StopMatcher } from '../../models/stop-matcher.js'
import { normalizeRequest } from '../../models/request.js'
import { findMemoryShortfall } from '../../models/memory.js'
import { CATALOG, computeAllowanceBytes, estimateMemoryBytes, findCatalogEntry, matchCatalogEntry, pinnedEntryWithOtherHash } from '../../models/catalog/known.js'
import { PUBLISHED_HASHES } from '../../models/catalog/published-hashes.js'
import { LlamaLogTail } from '../../models/llama/log-tail.js'
import { CATALOG_COMPUTE_OVERHEAD_BYTES, CATALOG_MIN_COMPUTE_BYTES } from '../../models/constants.js'
import { deviceLabel, deviceMemoryBytes, joinGpuNames } from '../../models/device-label.js'
import { idFromFileName, unlistedModelId } from '../../models/catalog/add.js'

describe('models: pure logic', () => {
  describe('StopMatcher', () => {
    it('passes text through when there are no stop sequences', () => {
      const m = new StopMatcher([])
      assert.deepEqual(m.push('abc'), { text: 'abc', stopped: false })
    })

    it('holds back a possible start of a stop sequence and releases it when it is not one', () => {
      const m = new StopMatcher(['END'])
      assert.deepEqual(m.push('hello E'), { text: 'hello ', stopped: false })
      assert.deepEqual(m.push('N'), { text: '', stopped: false })
      assert.deepEqual(m.push('x'), { text: 'ENx', stopped: false })
    })

    it('stops before a stop sequence split across chunks and never returns it', () => {
      const m = new StopMatcher(['END'])
      assert.deepEqual(m.push('one E'), { text: 'one ', stopped: false })
      assert.deepEqual(m.push('ND two'), { text: '', stopped: true })
    })

    it('stops at the earliest of several stop sequences', () => {
      const m = new StopMatcher(['zz', 'b'])
      assert.deepEqual(m.push('a b c zz'), { text: 'a ', stopped: true })
    })

    it('flushes held text at the end', () => {
      const m = new StopMatcher(['xyz'])
      assert.equal(m.push('abx').text, 'ab')
      assert.equal(m.flush(), 'x')
    })
  })

  describe('normalizeRequest', () => {
    it('fills defaults: greedy, topP 1, seed 0, no stops', () => {
      assert.deepEqual(normalizeRequest({ prompt: 'hi', maxTokens: 3 }), {
        prompt: 'hi', messages: undefined, maxTokens: 3, temperature: 0, topP: 1, seed: 0, stop: []
      })
    })

    const bad: Array<[string, unknown]> = [
      ['neither prompt nor messages', { maxTokens: 1 }],
      ['both prompt and messages', { prompt: 'a', messages: [{ role: 'user', content: 'b' }], maxTokens: 1 }],
      ['empty messages', { messages: [], maxTokens: 1 }],
      ['unknown role', { messages: [{ role: 'tool', content: 'b' }], maxTokens: 1 }],
      ['zero maxTokens', { prompt: 'a', maxTokens: 0 }],
      ['fractional maxTokens', { prompt: 'a', maxTokens: 1.5 }],
      ['temperature 3', { prompt: 'a', maxTokens: 1, temperature: 3 }],
      ['topP 0', { prompt: 'a', maxTokens: 1, topP: 0 }],
      ['negative seed', { prompt: 'a', maxTokens: 1, seed: -1 }],
      ['empty stop string', { prompt: 'a', maxTokens: 1, stop: [''] }]
    ]
    for (const [what, req] of bad) {
      it(`rejects ${what} with a BAD_REQUEST InvalidGenerateRequestError`, () => {
        assert.throws(() => normalizeRequest(req as any), { name: 'InvalidGenerateRequestError', code: 'BAD_REQUEST' })
      })
    }
  })

  describe('findMemoryShortfall', () => {
    it('accepts a model that fits with headroom', () => {
      assert.equal(findMemoryShortfall({ ramBytes: 100, vramBytes: 0 }, { ramBytes: 200, vramBytes: 0 }, 50), undefined)
    })
    it('reports RAM when weights plus headroom exceed free RAM', () => {
      assert.deepEqual(findMemoryShortfall({ ramBytes: 160, vramBytes: 0 }, { ramBytes: 200, vramBytes: 0 }, 50),
        { where: 'ram', neededBytes: 160, freeBytes: 200 })
    })
    it('reports VRAM first when the GPU part does not fit', () => {
      assert.deepEqual(findMemoryShortfall({ ramBytes: 1000, vramBytes: 100 }, { ramBytes: 10, vramBytes: 80 }, 0),
        { where: 'vram', neededBytes: 100, freeBytes: 80 })
    })
  })

  describe('device label (certificate and capacity announcement)', () => {
    it('says cpu, with no GPU memory, on a CPU', () => {
      assert.equal(deviceLabel({ kind: 'cpu', cpuThreads: 2 }), 'cpu')
      assert.equal(deviceMemoryBytes({ kind: 'cpu', cpuThreads: 2, vramBytes: 123 }), 0n)
    })
    it('names the GPU, or its backend when it has no name, and keeps to the announcement\'s 128 characters', () => {
      assert.equal(deviceLabel({ kind: 'cuda', gpuName: 'NVIDIA H100 80GB HBM3', vramBytes: 80e9, cpuThreads: 8 }), 'NVIDIA H100 80GB HBM3')
      assert.equal(deviceMemoryBytes({ kind: 'cuda', gpuName: 'x', vramBytes: 80e9, cpuThreads: 8 }), 80_000_000_000n)
      assert.equal(deviceLabel({ kind: 'vulkan', cpuThreads: 8 }), 'vulkan')
      assert.equal(deviceLabel({ kind: 'cuda', gpuName: 'x'.repeat(300), cpuThreads: 8 }).length, 128)
    })
    it('counts identical GPUs instead of repeating their names', () => {
      assert.equal(joinGpuNames(Array(8).fill('NVIDIA H100 80GB HBM3')), '8 x NVIDIA H100 80GB HBM3')
      assert.equal(joinGpuNames(['A', 'B', 'A']), '2 x A, B')
      assert.equal(joinGpuNames([]), undefined)
    })
  })

  describe('llama.cpp log tail (quoted in ModelLoadError)', () => {
    it('gives the distinct errors logged since a mark, cause first, else the warnings', () => {
      const tail = new LlamaLogTail()
      tail.record(true, 'an earlier load failed')
      const mark = tail.mark()
      assert.deepEqual(tail.since(mark, 3), [])
      tail.record(false, 'a warning')
      assert.deepEqual(tail.since(mark, 3), ['a warning'])
      for (const line of ['cause', 'failed to load model', 'cause', 'failed to load model', 'a third', 'a fourth']) tail.record(true, line)
      assert.deepEqual(tail.since(mark, 3), ['cause', 'failed to load model', 'a third'])
    })
  })

  describe('catalog', () => {
    it('has the built-in model and Qwen2.5, DeepSeek-R1-Distill and Llama 3.2 builds with unique ids', () => {
      const ids = CATALOG.map(e => e.id)
      assert.equal(new Set(ids).size, ids.length)
      for (const id of ['cocoon-tiny', 'qwen2.5-0.5b-instruct-q4_k_m', 'qwen2.5-1.5b-instruct-q8_0', 'qwen2.5-7b-instruct-q4_k_m',
        'deepseek-r1-distill-qwen-1.5b-q4_k_m', 'deepseek-r1-distill-qwen-7b-q8_0', 'llama-3.2-1b-instruct-q4_k_m', 'llama-3.2-3b-instruct-q8_0']) {
        assert.notEqual(findCatalogEntry(id), undefined, id)
      }
    })
    it('estimates memory as weights plus KV cache growing with slots', () => {
      const e = findCatalogEntry('qwen2.5-7b-instruct-q4_k_m')!
      const one = estimateMemoryBytes(e, 1, 4096)
      const four = estimateMemoryBytes(e, 4, 4096)
      assert.ok(one > e.sizeBytes)
      // 28 layers x 4 KV heads x 128 dims x 2 (K,V) x 2 bytes = 57,344 bytes per token
      assert.equal(four - one, 3 * 4096 * 57344)
    })
    it('pins the built-in model\'s hash and the published hash of each build whose page was found, at its revision', () => {
      const pinned = CATALOG.filter(e => e.sha256Source === 'pinned').map(e => e.id)
      assert.deepEqual(pinned.sort(), ['cocoon-tiny', ...Object.keys(PUBLISHED_HASHES)].sort()) // no pin for an id the catalog lacks
      assert.equal(pinned.length, 11)
      for (const e of CATALOG) {
        if (e.sha256Source === 'on-add') {
          assert.equal(e.sha256, undefined, e.id)
          assert.equal(e.sha256From, undefined, e.id)
          assert.match(e.url, /^https:\/\/huggingface\.co\/bartowski\/[^/]+\/resolve\/main\//, e.id)
          continue
        }
        assert.match(e.sha256 ?? '', /^[0-9a-f]{64}$/, e.id)
        if (e.id === 'cocoon-tiny') continue
        // The download and the page the hash was read from name the same repository, revision and file.
        const pin = PUBLISHED_HASHES[e.id]
        assert.equal(e.sha256, pin.sha256)
        assert.match(pin.revision, /^[0-9a-f]{40}$/, e.id)
        assert.equal(e.url, e.sha256From?.replace('/blob/', '/resolve/'), e.id)
        assert.ok(e.url.endsWith(`/resolve/${pin.revision}/${e.fileName}`), e.url)
        assert.ok(e.url.startsWith('https://huggingface.co/bartowski/'), e.url)
      }
      // Distinct files have distinct hashes, so a hash names at most one entry.
      const hashes = CATALOG.flatMap(e => e.sha256 ?? [])
      assert.equal(new Set(hashes).size, hashes.length)
      assert.equal(findCatalogEntry(PUBLISHED_HASHES['llama-3.2-3b-instruct-q8_0'].sha256)?.id, 'llama-3.2-3b-instruct-q8_0')
    })
    it('matches a file to a pinned build by hash only, and to an unpinned build by its published name', () => {
      const pinned = findCatalogEntry('qwen2.5-0.5b-instruct-q4_k_m')!
      const other = 'f'.repeat(64)
      assert.equal(matchCatalogEntry(pinned.sha256!, 'anything.gguf')?.id, pinned.id)
      assert.equal(matchCatalogEntry(other, pinned.fileName), undefined)
      assert.equal(pinnedEntryWithOtherHash(other, pinned.fileName.toLowerCase())?.id, pinned.id)
      assert.equal(pinnedEntryWithOtherHash(pinned.sha256!, pinned.fileName), undefined)
      assert.equal(matchCatalogEntry(other, 'Qwen2.5-0.5B-Instruct-Q8_0.gguf')?.id, 'qwen2.5-0.5b-instruct-q8_0')
      assert.equal(pinnedEntryWithOtherHash(other, 'Qwen2.5-0.5B-Instruct-Q8_0.gguf'), undefined)
      assert.equal(unlistedModelId('/x/Qwen2.5-0.5B-Instruct-Q4_K_M.gguf', other), `qwen2.5-0.5b-instruct-q4_k_m-${'f'.repeat(12)}`)
      assert.equal(unlistedModelId('/x/My-Model.gguf', other), 'my-model')
    })
    it('scales the compute allowance with the model: the built-in model is not given a real model\'s 300 MiB', () => {
      const tiny = findCatalogEntry('cocoon-tiny')!
      assert.equal(computeAllowanceBytes(tiny.sizeBytes), CATALOG_MIN_COMPUTE_BYTES)
      assert.ok(estimateMemoryBytes(tiny) < 40 * 2 ** 20, `${estimateMemoryBytes(tiny)} bytes`)
      assert.equal(computeAllowanceBytes(findCatalogEntry('qwen2.5-0.5b-instruct-q4_k_m')!.sizeBytes), CATALOG_COMPUTE_OVERHEAD_BYTES)
      assert.equal(computeAllowanceBytes(100 * 2 ** 20), 100 * 2 ** 20)
    })
    it('derives ids from file names', () => {
      assert.equal(idFromFileName('/x/My Model-Q4_K_M.gguf'), 'my-model-q4_k_m')
    })
  })
})
