/**
 * Versions exchanged in the handshake. The protocol version changes only when the wire format or a
 * message's meaning changes; the package version is informative (logged and shown in errors).
 */
export const PROTOCOL_VERSION = 1;

/** Kept equal to package.json's version by a unit test. */
export const PACKAGE_VERSION = '0.1.0';
