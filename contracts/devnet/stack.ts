import { Cell, type TupleItem } from '@ton/core'
import { DevnetRequestError } from '../errors.js'

/**
 * Stack conversion between toncenter v2 JSON (what TonClient sends and parses) and
 * @ton/core TupleItems (what the emulator takes and returns).
 */

/** In: `["num","123"]`, `["tvm.Cell",b64]`, `["tvm.Slice",b64]`, `["tvm.Builder",b64]`. */
export function stackFromJson (stack: unknown): TupleItem[] {
  if (stack == null) return []
  if (!Array.isArray(stack)) throw new DevnetRequestError('stack must be an array')
  return stack.map((entry): TupleItem => {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') {
      throw new DevnetRequestError(`bad stack entry ${JSON.stringify(entry)}`)
    }
    const [type, value] = entry as [string, unknown]
    switch (type) {
      case 'num':
      case 'number':
      case 'int': {
        const s = String(value)
        return { type: 'int', value: s.startsWith('-') ? -BigInt(s.slice(1)) : BigInt(s) }
      }
      case 'tvm.Cell':
      case 'cell':
        return { type: 'cell', cell: Cell.fromBase64(String(value)) }
      case 'tvm.Slice':
      case 'slice':
        return { type: 'slice', cell: Cell.fromBase64(String(value)) }
      case 'tvm.Builder':
      case 'builder':
        return { type: 'builder', cell: Cell.fromBase64(String(value)) }
      default:
        throw new DevnetRequestError(`unsupported stack entry type ${type}`)
    }
  })
}

function hexNum (v: bigint): string {
  return v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16)
}

function boc (cell: Cell): string {
  return cell.toBoc({ idx: false }).toString('base64')
}

/** Out: top-level items as toncenter returns them. */
export function stackToJson (items: TupleItem[]): unknown[] {
  return items.map((item): unknown => {
    switch (item.type) {
      case 'int': return ['num', hexNum(item.value)]
      case 'null': return ['null']
      case 'nan': return ['num', 'NaN']
      case 'cell': return ['cell', { bytes: boc(item.cell), object: {} }]
      case 'slice': return ['slice', { bytes: boc(item.cell), object: {} }]
      case 'builder': return ['builder', { bytes: boc(item.cell), object: {} }]
      case 'tuple': return ['tuple', { '@type': 'tvm.tuple', elements: item.items.map(entryToJson) }]
    }
    throw new DevnetRequestError(`cannot serialise stack item ${(item as TupleItem).type}`)
  })
}

/** Tuple elements use the typed `tvm.stackEntry*` form. */
function entryToJson (item: TupleItem): unknown {
  switch (item.type) {
    case 'int': return { '@type': 'tvm.stackEntryNumber', number: { '@type': 'tvm.numberDecimal', number: item.value.toString() } }
    case 'cell': return { '@type': 'tvm.stackEntryCell', cell: { '@type': 'tvm.cell', bytes: boc(item.cell) } }
    case 'slice': return { '@type': 'tvm.stackEntrySlice', slice: { '@type': 'tvm.slice', bytes: boc(item.cell) } }
    case 'tuple': return { '@type': 'tvm.stackEntryTuple', tuple: { '@type': 'tvm.tuple', elements: item.items.map(entryToJson) } }
    case 'null': return { '@type': 'tvm.stackEntryTuple', tuple: { '@type': 'tvm.tuple', elements: [] } }
    default: throw new DevnetRequestError(`cannot serialise tuple element ${item.type}`)
  }
}
