import assert from 'node:assert/strict'
import { admitModels } from '../../node/roles/proxy.js'

const h = (b: number): Uint8Array<ArrayBuffer> => new Uint8Array(32).fill(b)
const offer = (id: string, sha: Uint8Array<ArrayBuffer>) => ({ id, sha256: sha, contextLength: 512, priceNanoPerToken: 1n })

describe('proxy admission of announced models (registry allow-list and certificate)', () => {
  it('routes only models named in the certificate and allowed by the registry, and says why for the rest', async () => {
    const asked: string[] = []
    const isModelAllowed = async (sha: Uint8Array): Promise<boolean> => {
      asked.push(Buffer.from(sha).toString('hex'))
      return sha[0] !== 3
    }
    const { allowed, refused } = await admitModels([offer('good', h(1)), offer('unattested', h(2)), offer('unlisted', h(3))], [h(1), h(3)], isModelAllowed)
    assert.deepEqual(allowed.map(m => m.id), ['good'])
    assert.deepEqual(refused.map(r => [r.id, r.why]), [['unattested', 'not in the certificate'], ['unlisted', 'not allowed by the registry']])
    assert.equal(refused[1].sha256, '03'.repeat(32))
    assert.ok(!asked.includes('02'.repeat(32)), 'a model outside the certificate needs no registry lookup')
  })

  it('refuses everything when the registry allows nothing', async () => {
    const { allowed, refused } = await admitModels([offer('a', h(1))], [h(1)], async () => false)
    assert.deepEqual(allowed, [])
    assert.equal(refused.length, 1)
  })
})
