/**
 * The API key of this browser tab. It lives in sessionStorage (gone when the tab closes, never in a
 * URL, a cookie or localStorage) and is sent only as an Authorization header or the live socket's first
 * message.
 */
const STORAGE_KEY = 'wandb-daemon.apiKey';

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
