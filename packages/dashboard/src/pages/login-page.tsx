/**
 * The login page: an API key in a password field, checked against the server before it is kept.
 * The form never submits itself (no GET or POST of the key anywhere but the Authorization header).
 */
import { useState } from 'preact/hooks';
import { ApiError, fetchViewer, type Viewer } from '../api.js';
import { errorMessage } from '../ui/api-errors.js';

/** Whether the last key was refused, and what to do with a key the server accepted. */
export interface LoginPageProps {
  /** The previous key was refused (revoked, or the server's data was reset). */
  refused: boolean;
  onLogin: (key: string, viewer: Viewer) => void;
}

/** The login page (`data-page="login"`); errors are shown with `role="alert"`. */
export function LoginPage({ refused, onLogin }: LoginPageProps) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(refused ? 'Your key was refused. Sign in again with a valid API key.' : null);

  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed || busy) return;
    setBusy(true);
    setError(null);
    try {
      const viewer = await fetchViewer(trimmed);
      onLogin(trimmed, viewer);
    } catch (e) {
      setBusy(false);
      setError(e instanceof ApiError && e.status === 401 ? 'This API key was refused: check it and try again.' : `Could not sign in: ${errorMessage(e)}`);
    }
  };

  return (
    <div class="login" data-page="login">
      <form class="login-card" method="post" autoComplete="off" onSubmit={submit}>
        <h1>wandb-daemon</h1>
        <p class="muted">Sign in with your API key (the one your training scripts use).</p>
        <label class="field">
          <span>API key</span>
          <input
            type="password"
            name="api-key"
            autoComplete="off"
            spellcheck={false}
            autoFocus
            required
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
          />
        </label>
        {error ? (
          <p class="alert" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="btn btn-primary" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
