import assert from 'node:assert/strict'
import { ratioOfMeansStdError } from '../../bench/lib-stats.js'

describe('the benches\' statistics (bench/lib-stats.ts)', () => {
  it('gives the standard error of a ratio of two means by the delta method', () => {
    // means 10 and 10, sample variances 2 and 0, two values each: sqrt(2 / 2 / 100) = 0.1
    assert.equal(ratioOfMeansStdError([9, 11], [10, 10]), 0.1)
    // scales with the ratio: means 20 and 10, relative variances (8/2/400) and 0 -> 2 * sqrt(0.01) = 0.2
    assert.ok(Math.abs(ratioOfMeansStdError([18, 22], [10, 10]) - 0.2) < 1e-12)
    // both sides' spreads add: sqrt(0.01 + 0.01) = 0.1414...
    assert.ok(Math.abs(ratioOfMeansStdError([9, 11], [9, 11]) - Math.sqrt(0.02)) < 1e-12)
    assert.equal(ratioOfMeansStdError([5, 5, 5], [7, 7]), 0)
  })

  it('shrinks as the square root of the runs', () => {
    const few = ratioOfMeansStdError([9, 11], [9, 11])
    const many = ratioOfMeansStdError([9, 11, 9, 11, 9, 11, 9, 11], [9, 11, 9, 11, 9, 11, 9, 11])
    // sample variance 2 -> 8/7 * 1 over 8 values against 2 over 2: sqrt((8/7/8) / (2/2))
    assert.ok(Math.abs(many / few - Math.sqrt(1 / 7)) < 1e-12)
  })

  it('is NaN with fewer than two runs on either side', () => {
    assert.ok(Number.isNaN(ratioOfMeansStdError([1], [1, 2])))
    assert.ok(Number.isNaN(ratioOfMeansStdError([1, 2], [])))
  })
})
