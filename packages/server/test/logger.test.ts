/** What request logging keeps of a URL: tokens that read or write files never reach the log. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loggableUrl } from '../src/http/logger.js';

describe('logged URLs', () => {
  it('redacts upload and signed-file tokens, keeps other URLs', () => {
    assert.equal(loggableUrl('/upload/abc.def/media/x.png'), '/upload/[redacted]');
    assert.equal(loggableUrl('/api/v1/signed-files/tok.sig/media/html/r_1_abc.html'), '/api/v1/signed-files/[redacted]');
    assert.equal(loggableUrl('/api/v1/runs/e/p/r/files/media/x.png'), '/api/v1/runs/e/p/r/files/media/x.png');
  });
});
