/** Media and custom chart records for tests, and the `_wandb.visualize` entry W&B's Python client builds. */
import { createHash } from 'node:crypto';
import type { RecordBody } from './raw-client.js';

/** sha256 of bytes, hex. */
export const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A media record body for `bytes` at `path`; `digest` overrides the (correct) sha256. */
export const mediaBody = (path: string, bytes: Uint8Array, digest = sha(bytes)): RecordBody => ({ t: 'media', path, sha256: digest, bytes: new Uint8Array(bytes) });

/** `n` bytes that differ from run to run of a test (`seed`) and are not all alike. */
export function pseudoRandomBytes(n: number, seed: number): Buffer {
  const bytes = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** The chart W&B's `plot.line` makes when logged as `loss-chart`. */
export const LINE_CHART = { key: 'loss-chart', panelDefId: 'wandb/line/v0', tableKey: 'loss-chart_table', fields: { x: 'step', y: 'loss' }, stringFields: { title: 'Loss' } };

/** Its `_wandb.visualize['loss-chart']`, as wandb/plot/custom_chart.py `CustomChartSpec.config_value` builds it. */
export const LINE_VISUALIZE = {
  panel_type: 'Vega2',
  panel_config: {
    panelDefId: 'wandb/line/v0',
    fieldSettings: { x: 'step', y: 'loss' },
    stringSettings: { title: 'Loss' },
    transform: { name: 'tableWithLeafColNames' },
    userQuery: {
      queryFields: [
        {
          name: 'runSets',
          args: [{ name: 'runSets', value: '${runSets}' }],
          fields: [
            { name: 'id', fields: [] },
            { name: 'name', fields: [] },
            { name: '_defaultColorIndex', fields: [] },
            { name: 'summaryTable', args: [{ name: 'tableKey', value: 'loss-chart_table' }], fields: [] },
          ],
        },
      ],
    },
  },
};
