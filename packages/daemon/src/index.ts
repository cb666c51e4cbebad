/**
 * @wandb-daemon/daemon: the long-lived local daemon. Most users never import this: the client starts
 * the daemon with `ensureDaemon()` (also exported alone as `@wandb-daemon/daemon/ensure`, which loads
 * nothing heavy), and the `wandb-daemon` CLI manages it. When no daemon process can start, the client
 * may run one on a worker thread of the user's process: `startEmbeddedDaemon()` (alone: `@wandb-daemon/daemon/embedded`).
 */
export { ensureDaemon, DaemonStartError, type EnsureDaemonOptions, type EnsuredDaemon } from './lifecycle/ensure-daemon.js';
export { connectToDaemon, type DaemonConnection } from './lifecycle/connect.js';
export { readDiscovery, type Discovery } from './lifecycle/discovery.js';
export { daemonPaths, resolveHome, type DaemonPaths } from './lifecycle/paths.js';
export { runDaemonProcess } from './main.js';
export { startDaemon, type DaemonOptions, type RunningDaemon } from './daemon.js';
export { startEmbeddedDaemon, type EmbeddedDaemon } from './embedded.js';
