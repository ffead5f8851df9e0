import assert from 'node:assert/strict'
import type { GenerateEvent, GenerateRequest, LoadedModel } from '../../models/engine.js'
import { SPEED_MAX_RUNS, SPEED_MIN_MS, SPEED_WARMUP_TOKENS } from '../../models/constants.js'
import { measureSpeed } from '../../models/speed.js'

const sleep = async (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/**
 * A model whose n-th run takes the given ms per token (a test double for the timing only: the real engine's
 * measurement has its own test in engine.spec.ts). Counts the runs it was asked for, warm-up included.
 */
function scriptedModel (msPerTokenOfRun: (run: number) => number): LoadedModel & { runs: GenerateRequest[] } {
  const runs: GenerateRequest[] = []
  return {
    runs,
    info: { id: 'scripted' } as unknown as LoadedModel['info'],
    slots: 1,
    busySlots: () => 0,
    close: async () => {},
    async * generate (req: GenerateRequest): AsyncIterable<GenerateEvent> {
      const run = runs.push(req) - 1
      const tokens = req.maxTokens ?? 1
      for (let i = 0; i < tokens; i++) {
        await sleep(msPerTokenOfRun(run))
        yield { type: 'token', text: 'x' }
      }
      yield { type: 'done', finishReason: 'length', usage: { promptTokens: 1, completionTokens: tokens } } as GenerateEvent
    }
  }
}

describe('a worker\'s own speed measurement', function () {
  this.timeout(20_000)

  it('keeps the best of its runs, so one run slowed by a busy moment does not set the announced speed', async () => {
    // run 0 is the warm-up; run 1 is slowed (10 ms per token), the later ones are not (1 ms)
    const model = scriptedModel(run => run === 1 ? 10 : 1)
    const speed = await measureSpeed(model, 8)
    assert.equal(model.runs[0].maxTokens, SPEED_WARMUP_TOKENS)
    assert.ok(model.runs.length > 2, `it measured again (${model.runs.length - 1} timed runs)`)
    assert.ok(model.runs.length - 1 <= SPEED_MAX_RUNS)
    // 7 tokens after the first at ~1 ms each: several hundred tokens/s, not the ~100 of the slowed run
    assert.ok(speed.tokensPerSecond > 300, `${speed.tokensPerSecond} tokens/s`)
  })

  it('measures a slow model once: its one run already takes longer than the time the measurement may spend', async () => {
    const model = scriptedModel(() => Math.ceil(SPEED_MIN_MS / 8) + 5)
    const speed = await measureSpeed(model, 8)
    assert.equal(model.runs.length, 2, 'the warm-up and one timed run')
    assert.ok(speed.tokensPerSecond > 0 && speed.tokensPerSecond < 1000 / (SPEED_MIN_MS / 8), `${speed.tokensPerSecond} tokens/s`)
  })
})
