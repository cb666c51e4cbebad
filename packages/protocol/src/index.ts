/**
 * @wandb-daemon/protocol: what the client and the daemon say to each other, and nothing of either.
 */
export * from './batch-frame.js';
export * from './codec.js';
export * from './errors.js';
export * from './frame.js';
export * from './limits.js';
export * from './messages/index.js';
export * from './validate.js';
export * from './version.js';
export * from './wandb-json.js';
export * from './daemon-message.js';
export * from './summary-rules.js';
export * from './plain-object.js';
export * from './run-file-path.js';
export * from './run-names.js';
