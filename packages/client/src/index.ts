/**
 * @wandb-daemon/client — the W&B run API for TypeScript. The run API (`init`, `log`, `finish`, ...)
 * is built on these pieces; until then this package exposes how it reaches the daemon.
 */
export { ensureDaemon, DaemonStartError, type EnsureDaemonOptions, type EnsuredDaemon } from '@wandb-daemon/daemon/ensure';
export { PACKAGE_VERSION, PROTOCOL_VERSION } from '@wandb-daemon/protocol';
