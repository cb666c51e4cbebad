/** A run's files, with downloads through the API (a plain link could not carry the key). */
import { useState } from 'preact/hooks';
import { fetchFile, type FileInfo, type RunPath } from '../api.js';
import { errorMessage, handleUnauthorized } from '../ui/api-errors.js';
import { RelTime } from '../ui/badges.js';
import { formatBytes } from '../ui/format.js';

async function download(path: RunPath, file: string): Promise<void> {
  const blob = await fetchFile(path, file);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.split('/').pop() || 'download';
  document.body.append(a);
  a.click();
  a.remove();
  // The click starts the download asynchronously: revoke the URL only after it has been read.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A run's files: path, size, upload time and a download button per uploaded file. */
export function FilesPanel({ path, files }: { path: RunPath; files: readonly FileInfo[] }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const sorted = [...files].sort((a, b) => a.path.localeCompare(b.path));
  const start = async (file: string) => {
    setBusy(file);
    setError(null);
    try {
      await download(path, file);
    } catch (e) {
      if (!handleUnauthorized(e)) setError(`${file}: ${errorMessage(e)}`);
    } finally {
      setBusy(null);
    }
  };
  if (files.length === 0) return <p class="empty">No files.</p>;
  return (
    <div>
      {error ? <p class="alert">{error}</p> : null}
      <table class="table files-table">
        <thead>
          <tr>
            <th>Path</th>
            <th class="num">Size</th>
            <th>Uploaded</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sorted.map((f) => (
            <tr key={f.path} data-file={f.path}>
              <td class="mono">{f.path}</td>
              <td class="num">{formatBytes(f.size)}</td>
              <td>{f.uploaded ? <RelTime iso={f.updatedAt} /> : <span class="muted">pending</span>}</td>
              <td class="actions">
                <button type="button" class="btn btn-small" data-action="download" disabled={!f.uploaded || busy === f.path} onClick={() => void start(f.path)}>
                  {busy === f.path ? 'Downloading…' : 'Download'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
