/**
 * W&B's state file for `resume: 'auto'`: `<dir>/wandb/wandb-resume.json` holds `{"run_id": "<id>"}` of
 * the run last started from that directory, so a restarted script resumes it. A damaged file must never
 * stop training: reading it then simply finds no run to resume.
 */
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { chmod, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRunId } from './fields.js';

const STATE_DIR_MODE = 0o700;
const STATE_FILE_MODE = 0o600;

/** The path of the resume state file for run directory `dir`. */
export function resumeStatePath(dir: string): string {
  return join(dir, 'wandb', 'wandb-resume.json');
}

/** The run id recorded for `dir`; null when the file is missing, unreadable, corrupt or names no valid id. */
export async function readResumeState(dir: string): Promise<string | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(resumeStatePath(dir), 'utf8'));
    const runId = (parsed as { run_id?: unknown } | null)?.run_id;
    return typeof runId === 'string' ? checkRunId(runId, 'resume state') : null;
  } catch {
    return null;
  }
}

/** Records `runId` for `dir`, creating `<dir>/wandb` (0700) when missing; the file (0600) is replaced atomically. */
export async function writeResumeState(dir: string, runId: string): Promise<void> {
  checkRunId(runId, 'run id for the resume state');
  const stateDir = join(dir, 'wandb');
  await mkdir(dir, { recursive: true });
  try {
    await mkdir(stateDir, { mode: STATE_DIR_MODE });
    // mkdir's mode is narrowed by the umask; set it exactly on the directory we created.
    await chmod(stateDir, STATE_DIR_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  await writeFileAtomic(resumeStatePath(dir), `${JSON.stringify({ run_id: runId })}\n`);
}

/**
 * Forgets the run recorded for `dir`; a missing file is fine. Synchronous because it runs as `finish`
 * settles (also at process exit): once `finish` resolves, the next `init` must not find the old run.
 */
export function clearResumeState(dir: string): void {
  try {
    unlinkSync(resumeStatePath(dir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Writes a temporary file (0600, created exclusively) and renames it over `path`, so a reader (or a
 * crash mid-write) sees the old content or the new one, never half of it. The random suffix keeps two
 * runs writing the same directory at once from sharing a temporary file.
 */
async function writeFileAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', STATE_FILE_MODE);
  try {
    await handle.writeFile(content);
    await handle.sync();
    await handle.close();
    await rename(tmp, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
}
