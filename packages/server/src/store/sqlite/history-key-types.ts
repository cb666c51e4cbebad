/**
 * What each history key of a run holds, for the read API's `historyKeyTypes`: 'number' when its
 * values are numbers, else the `_type` of its last typed value ('image-file', 'histogram'...), else
 * 'json'. Kept at ingest (migration 0020) so that a read is one row per key, whatever the run's
 * length: each rewritten block reports the kinds of its values before and after
 * (history-block.ts blockKinds); history_block_extras keeps them per block that has non-numeric
 * values, run_history_keys the key's totals and the block of its last typed value. Only when that
 * block loses its typed values is the next one looked for, through the extras table's index.
 * Call the writers inside the store's transaction.
 */
import type Database from 'better-sqlite3';
import type { BlockKinds } from '../history-block.js';

/** One block's change: its number and the kinds of its values before and after. */
export interface BlockChange {
  blockNo: number;
  before: BlockKinds;
  after: BlockKinds;
}

/** A key's totals as stored in run_history_keys. */
interface KeyTotals {
  numbers: number;
  others: number;
  type_block: number | null;
  value_type: string | null;
}

/** The type the read API reports for a key with these totals. */
function keyTypeOf(totals: Pick<KeyTotals, 'numbers' | 'others' | 'value_type'>): string {
  if (totals.others === 0) return totals.numbers > 0 ? 'number' : 'json';
  return totals.value_type ?? 'json';
}

const hasExtras = (kinds: BlockKinds) => kinds.nulls + kinds.others > 0;

/** Every key of a run with its totals: the run's rows of run_history_keys, nothing else. */
export const KEY_TYPES_SQL = 'SELECT k.name, r.numbers, r.others, r.type_block, r.value_type FROM run_history_keys r JOIN history_keys k ON k.id = r.key_id WHERE r.run_id = ? ORDER BY k.name';

/** The last block of a key with a typed value: the (run, key, block) primary key, walked backwards from the end. */
export const LAST_TYPED_SQL = 'SELECT block_no, last_type FROM history_block_extras WHERE run_id = ? AND key_id = ? AND last_type IS NOT NULL ORDER BY block_no DESC LIMIT 1';

/** Reads and maintains the kinds of history keys' values. */
export class HistoryKeyTypes {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      totals: db.prepare<[number, number], KeyTotals>('SELECT numbers, others, type_block, value_type FROM run_history_keys WHERE run_id = ? AND key_id = ?'),
      setTotals: db.prepare<[number, number, number | null, string | null, number, number]>(
        'UPDATE run_history_keys SET numbers = ?, others = ?, type_block = ?, value_type = ? WHERE run_id = ? AND key_id = ?',
      ),
      upsertBlock: db.prepare<[number, number, number, number, number, string | null]>(
        'INSERT OR REPLACE INTO history_block_extras (run_id, key_id, block_no, nulls, others, last_type) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      removeBlock: db.prepare<[number, number, number]>('DELETE FROM history_block_extras WHERE run_id = ? AND key_id = ? AND block_no = ?'),
      lastTyped: db.prepare<[number, number], { block_no: number; last_type: string }>(LAST_TYPED_SQL),
      types: db.prepare<[number], { name: string } & KeyTotals>(KEY_TYPES_SQL),
    };
  }

  /** Records the changed blocks of one key (in any order) and updates the key's totals. */
  apply(runId: number, keyId: number, changes: readonly BlockChange[]): void {
    const totals = this.statements.totals.get(runId, keyId);
    if (!totals) throw new Error(`history key ${keyId} is not a key of run ${runId}`);
    let { numbers, others, type_block: typeBlock, value_type: valueType } = totals;
    let lost = false;
    for (const { blockNo, before, after } of changes) {
      numbers += after.numbers - before.numbers;
      others += after.others - before.others;
      if (hasExtras(after)) this.statements.upsertBlock.run(runId, keyId, blockNo, after.nulls, after.others, after.lastType);
      else if (hasExtras(before)) this.statements.removeBlock.run(runId, keyId, blockNo);
      if (after.lastType !== null && (typeBlock === null || blockNo >= typeBlock)) {
        typeBlock = blockNo;
        valueType = after.lastType;
      } else if (after.lastType === null && blockNo === typeBlock) {
        // The key's last typed value is gone: an earlier block may hold the last one now. Looked up
        // once every block of the request is recorded (one of them may be that block).
        lost = true;
      }
    }
    if (lost) {
      const last = this.statements.lastTyped.get(runId, keyId);
      typeBlock = last?.block_no ?? null;
      valueType = last?.last_type ?? null;
    }
    if (numbers !== totals.numbers || others !== totals.others || typeBlock !== totals.type_block || valueType !== totals.value_type) {
      this.statements.setTotals.run(numbers, others, typeBlock, valueType, runId, keyId);
    }
  }

  /** Every history key of a run with its type, by name. */
  types(runId: number): { key: string; type: string }[] {
    return this.statements.types.all(runId).map((row) => ({ key: row.name, type: keyTypeOf(row) }));
  }
}
