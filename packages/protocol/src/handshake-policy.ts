/**
 * The handshake's decisions, free of schemas so that client processes can use them without loading
 * the validation library: the hello we send and whether two peers can talk.
 */
import type { Hello } from './messages/handshake.js';
import { PACKAGE_VERSION, PROTOCOL_VERSION } from './version.js';

/** Builds the hello this package sends. */
export function makeHello(pid: number, program?: string): Hello {
  return { t: 'hello', protocol: PROTOCOL_VERSION, version: PACKAGE_VERSION, pid, ...(program ? { program } : {}) };
}

/** The versions a peer announces. */
export interface PeerVersions {
  protocol: number;
  version: string;
}

/** The versions of this package. */
export const LOCAL_VERSIONS: PeerVersions = Object.freeze({ protocol: PROTOCOL_VERSION, version: PACKAGE_VERSION });

/**
 * The one place that decides whether a client and a daemon can talk; each side passes its own
 * versions for its role. Only the protocol version must match; a different package version with the
 * same protocol is compatible. Returns an explanation on mismatch naming both versions and the remedy.
 */
export function handshakeMismatch(client: PeerVersions, daemon: PeerVersions = LOCAL_VERSIONS): string | undefined {
  if (client.protocol === daemon.protocol) return undefined;
  return (
    `protocol mismatch: client speaks protocol ${client.protocol} (package ${client.version}), ` +
    `daemon speaks protocol ${daemon.protocol} (package ${daemon.version}). ` +
    'Stop the running daemon with `wandb-daemon stop` so the next init starts a matching one, ' +
    'or install the same @wandb-daemon version for both.'
  );
}
