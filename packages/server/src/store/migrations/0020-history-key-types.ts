/**
 * What each history key holds, kept at ingest so that the run page can tell a metric from an image
 * without reading values: a small table of the blocks that hold non-numeric values (how many are
 * null, how many other, the `_type` of the last typed one), and per (run, key) the totals and the
 * type of the key's last typed value. Existing blocks are backfilled from their `extras` with
 * SQLite's JSON functions (JSON5 mode reads the NaN/Infinity tokens of W&B JSON).
 */
export const version = 20;
export const name = 'history-key-types';

export const sql = `
-- One row per history block (same key as history_blocks) that holds non-numeric values: a table
-- of its own, since columns added to history_blocks would follow its BLOBs in every row, and a
-- header scan would then read their overflow pages.
CREATE TABLE history_block_extras (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key_id INTEGER NOT NULL REFERENCES history_keys (id),
  block_no INTEGER NOT NULL,
  -- values that are JSON null
  nulls INTEGER NOT NULL,
  -- non-numeric values other than null (strings, media and other typed values...)
  others INTEGER NOT NULL,
  -- the _type of the block's last (by line) value that is an object with a string _type; NULL: none
  last_type TEXT,
  PRIMARY KEY (run_id, key_id, block_no)
) WITHOUT ROWID;

-- Per (run, key): how many values are numbers and how many are neither numbers nor null, and the
-- block and _type of the key's last typed value (NULL: none).
ALTER TABLE run_history_keys ADD COLUMN numbers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE run_history_keys ADD COLUMN others INTEGER NOT NULL DEFAULT 0;
ALTER TABLE run_history_keys ADD COLUMN type_block INTEGER;
ALTER TABLE run_history_keys ADD COLUMN value_type TEXT;

-- extras is {"<line offset>": "<W&B JSON of the value>"}: json_each's value is that JSON's text.
INSERT INTO history_block_extras (run_id, key_id, block_no, nulls, others, last_type)
SELECT b.run_id, b.key_id, b.block_no,
  (SELECT count(*) FROM json_each(b.extras) e WHERE e.value = 'null'),
  (SELECT count(*) FROM json_each(b.extras) e WHERE e.value <> 'null'),
  (SELECT t.value_type FROM (
     SELECT CAST(e.key AS INTEGER) AS line_offset,
       CASE WHEN json_valid(e.value, 2) THEN CASE WHEN json_type(e.value, '$._type') = 'text' THEN json_extract(e.value, '$._type') END END AS value_type
     FROM json_each(b.extras) e) t
   WHERE t.value_type IS NOT NULL ORDER BY t.line_offset DESC LIMIT 1)
FROM history_blocks b WHERE b.extras IS NOT NULL;

UPDATE run_history_keys SET
  numbers = (SELECT coalesce(sum(b.n), 0) FROM history_blocks b WHERE b.run_id = run_history_keys.run_id AND b.key_id = run_history_keys.key_id)
    - (SELECT coalesce(sum(e.nulls + e.others), 0) FROM history_block_extras e WHERE e.run_id = run_history_keys.run_id AND e.key_id = run_history_keys.key_id),
  others = (SELECT coalesce(sum(e.others), 0) FROM history_block_extras e WHERE e.run_id = run_history_keys.run_id AND e.key_id = run_history_keys.key_id),
  type_block = (SELECT max(e.block_no) FROM history_block_extras e WHERE e.run_id = run_history_keys.run_id AND e.key_id = run_history_keys.key_id AND e.last_type IS NOT NULL);

UPDATE run_history_keys SET value_type = (
  SELECT e.last_type FROM history_block_extras e WHERE e.run_id = run_history_keys.run_id AND e.key_id = run_history_keys.key_id AND e.block_no = run_history_keys.type_block
) WHERE type_block IS NOT NULL;
`;
