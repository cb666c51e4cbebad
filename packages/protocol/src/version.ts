/**
 * Versions exchanged in the handshake. The protocol version changes only when the wire format or a
 * message's meaning changes (2: media files and custom charts); the package version is informative.
 */
export const PROTOCOL_VERSION = 2;

/** Kept equal to package.json's version by a unit test. */
export const PACKAGE_VERSION = '0.1.0';
