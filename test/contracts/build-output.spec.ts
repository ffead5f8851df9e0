import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Cell } from '@ton/core'
import { compileAll, TOLK_DIR } from '../../contracts/compile.js'
import { compiledContracts } from '../../contracts/compiled.js'
import { EntryStatus, ExitCode, Op, AllowList } from '../../contracts/opcodes.js'

describe('contracts: build output and shared tables', function () {
  it('compiled.ts matches a fresh compile of the Tolk sources (run contracts/build.ts if not)', async () => {
    const fresh = await compileAll()
    for (const name of ['Registry', 'WorkerEntry'] as const) {
      assert.equal(compiledContracts[name].codeHashHex, fresh[name].codeHashHex, `${name} hash`)
      const cell = Cell.fromBase64(compiledContracts[name].codeBoc64)
      assert.equal(cell.hash().toString('hex').toUpperCase(), fresh[name].codeHashHex.toUpperCase())
    }
  })

  it('opcodes.ts mirrors every struct prefix in messages.tolk', () => {
    const src = readFileSync(join(TOLK_DIR, 'messages.tolk'), 'utf8')
    const found = [...src.matchAll(/struct \((0x[0-9a-fA-F]+)\) (\w+)/g)].map(m => [m[2], Number(m[1])] as const)
    assert.ok(found.length >= 10)
    assert.deepEqual(Object.fromEntries(found), Op)
  })

  it('ExitCode mirrors errors.tolk, and list / status constants mirror storage.tolk', () => {
    const errors = readFileSync(join(TOLK_DIR, 'errors.tolk'), 'utf8')
    const codes = [...errors.matchAll(/const ERR_(\w+) = (0x[0-9A-Fa-f]+|\d+)/g)].map(m => Number(m[2]))
    const tsCodes = Object.entries(ExitCode).filter(([k]) => k !== 'CellUnderflow').map(([, v]) => v)
    assert.deepEqual([...codes].sort(), [...tsCodes].sort())
    const storage = readFileSync(join(TOLK_DIR, 'storage.tolk'), 'utf8')
    const constOf = (name: string): number => Number(new RegExp(`const ${name} = (\\d+)`).exec(storage)?.[1])
    assert.deepEqual([constOf('LIST_IMAGES'), constOf('LIST_MODELS'), constOf('LIST_ROOTS')], [AllowList.Images, AllowList.Models, AllowList.Roots])
    assert.deepEqual([constOf('STATUS_EMPTY'), constOf('STATUS_ACTIVE'), constOf('STATUS_UNBONDING'), constOf('STATUS_SLASHED')],
      [EntryStatus.Empty, EntryStatus.Active, EntryStatus.Unbonding, EntryStatus.Slashed])
  })
})
