import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Level } from 'level'

/**
 * The node's one LevelDB under its data directory, split into sublevels by concern (keys, peer cache; the
 * editable configuration lives beside it in config.json). LevelDB's lock file also
 * guarantees that two processes never run on the same data directory.
 */
export class NodeStore {
  readonly db: Level<string, Uint8Array>
  readonly keys
  readonly peers

  private constructor (db: Level<string, Uint8Array>) {
    this.db = db
    this.keys = db.sublevel<string, Uint8Array>('keys', { valueEncoding: 'view' })
    this.peers = db.sublevel<string, string>('peers', { valueEncoding: 'utf8' })
  }

  static async open (dataDir: string): Promise<NodeStore> {
    await mkdir(dataDir, { recursive: true })
    const db = new Level<string, Uint8Array>(join(dataDir, 'db'), { valueEncoding: 'view' })
    try {
      await db.open()
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause
      if (cause?.code === 'LEVEL_LOCKED' || /lock/i.test(String((err as Error).message) + String(cause))) {
        throw new Error(`the data directory ${dataDir} is in use by another cocoon process`)
      }
      throw err
    }
    return new NodeStore(db)
  }

  async getBytes (key: string): Promise<Uint8Array | undefined> {
    return this.keys.get(key)
  }

  /** Key material is written with sync so it survives a crash right after creation. */
  async putBytes (key: string, value: Uint8Array): Promise<void> {
    // classic-level honours `sync` (fsync before returning); abstract-level's types do not list it.
    await this.keys.put(key, value, { sync: true } as object)
  }

  /** Remembers peers we were connected to, so a restart can dial them without the bootstrap list. */
  async savePeers (peers: Array<{ id: string, addrs: string[] }>): Promise<void> {
    await this.peers.clear()
    await this.peers.batch(peers.map(p => ({ type: 'put' as const, key: p.id, value: JSON.stringify(p.addrs) })))
  }

  async loadPeers (): Promise<Array<{ id: string, addrs: string[] }>> {
    const out: Array<{ id: string, addrs: string[] }> = []
    for await (const [id, addrs] of this.peers.iterator()) out.push({ id, addrs: JSON.parse(addrs) })
    return out
  }

  async close (): Promise<void> {
    await this.db.close()
  }
}
