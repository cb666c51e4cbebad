/**
 * `@wandb-daemon/protocol/lite`: what a client process needs to speak the protocol, without the
 * validation schemas. Clients trust their own encoder and check the daemon's messages by hand, so
 * importing this loads msgpackr's pure-JS codec and our code, nothing else.
 */
export * from './batch-frame.js';
export * from './codec.js';
export * from './daemon-message.js';
export * from './errors.js';
export * from './frame.js';
export * from './handshake-policy.js';
export * from './limits.js';
export * from './plain-object.js';
export * from './run-file-path.js';
export * from './run-names.js';
export * from './summary-rules.js';
export * from './version.js';
export * from './wandb-json.js';
export type * from './messages/index.js';
