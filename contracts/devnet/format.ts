import { type Address, beginCell, type Message, storeTransaction, type Transaction } from '@ton/core'

/** toncenter v2 JSON shapes for blocks, transactions and messages, as TonClient's zod schemas expect. */

export function blockIdJson (seqno: number, workchain = -1): Record<string, unknown> {
  const hash = Buffer.alloc(32)
  hash.writeUInt32BE(seqno >>> 0, 28)
  return {
    '@type': 'ton.blockIdExt',
    workchain,
    shard: '-9223372036854775808',
    seqno,
    root_hash: hash.toString('base64'),
    file_hash: hash.toString('base64')
  }
}

function addressText (a: Address | { toString: () => string } | null | undefined): string {
  if (a == null) return ''
  return a.toString()
}

export function messageJson (m: Message): Record<string, unknown> {
  const info = m.info
  const internal = info.type === 'internal'
  const body = m.body.toBoc({ idx: false }).toString('base64')
  return {
    '@type': 'raw.message',
    source: info.type === 'external-in' ? addressText(info.src) : addressText(info.src),
    destination: info.type === 'external-out' ? addressText(info.dest) : addressText(info.dest),
    value: internal ? info.value.coins.toString() : '0',
    fwd_fee: internal ? info.forwardFee.toString() : '0',
    ihr_fee: internal ? info.ihrFee.toString() : '0',
    created_lt: info.type === 'external-in' ? '0' : info.createdLt.toString(),
    body_hash: m.body.hash().toString('base64'),
    msg_data: { '@type': 'msg.dataRaw', body, init_state: '' }
  }
}

export function transactionJson (tx: Transaction, address: Address): Record<string, unknown> {
  const data = beginCell().store(storeTransaction(tx)).endCell().toBoc({ idx: false }).toString('base64')
  const d = tx.description
  const storageFee = d.type === 'generic' ? d.storagePhase?.storageFeesCollected ?? 0n : 0n
  return {
    '@type': 'raw.transaction',
    address: { '@type': 'accountAddress', account_address: address.toString() },
    utime: tx.now,
    data,
    transaction_id: { '@type': 'internal.transactionId', lt: tx.lt.toString(), hash: tx.hash().toString('base64') },
    fee: tx.totalFees.coins.toString(),
    storage_fee: storageFee.toString(),
    other_fee: (tx.totalFees.coins - storageFee).toString(),
    in_msg: tx.inMessage != null ? messageJson(tx.inMessage) : undefined,
    out_msgs: [...tx.outMessages.values()].map(messageJson)
  }
}
