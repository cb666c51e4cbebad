/** One place that turns a refused key (401 anywhere) into "back to the login page". */
import { ApiError } from '../api.js';

let onUnauthorized: (() => void) | null = null;

/** The app registers what a 401 does (forget the key, show the login page). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

/** True (and the app notified) when `error` is a 401; pages show other errors themselves. */
export function handleUnauthorized(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.status !== 401) return false;
  onUnauthorized?.();
  return true;
}

/** A short message for an error shown in a page. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.status === 404 ? `Not found: ${error.message}` : error.message;
  return error instanceof Error ? error.message : String(error);
}
