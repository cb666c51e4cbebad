/**
 * Opens a connection to a daemon's socket and performs the version handshake. Light on purpose: it runs
 * in the user's process (through ensureDaemon and the client) and imports nothing of the daemon.
 */
import { connect, type Socket } from 'node:net';
import {
  decodeBody,
  encodeFrame,
  FrameReader,
  handshakeMismatch,
  LOCAL_VERSIONS,
  makeHello,
  checkDaemonMessage,
  ProtocolError,
  type Welcome,
} from '@wandb-daemon/protocol/lite';

/** A connected, handshaken socket plus the frames that arrived with the welcome. */
export interface DaemonConnection {
  socket: Socket;
  welcome: Welcome;
  reader: FrameReader;
  /** Frames received after the welcome in the same chunk; the next reader must handle them first. */
  pending: Buffer[];
}

/** Connects and handshakes; rejects on refusal, a version mismatch, or after `timeoutMs`. */
export function connectToDaemon(socketPath: string, timeoutMs = 2_000, program?: string): Promise<DaemonConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const reader = new FrameReader();
    const timer = setTimeout(() => fail(new Error(`daemon at ${socketPath} did not answer the handshake within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('close', () => fail(new Error(`daemon at ${socketPath} closed the connection during the handshake`)));
    socket.once('connect', () => socket.write(encodeFrame(makeHello(process.pid, program))));
    const onData = (chunk: Buffer) => {
      const frames = reader.push(chunk);
      if (reader.error) return fail(new ProtocolError('BAD_FRAME', `daemon sent a bad frame: ${reader.error.message}`));
      if (frames.length === 0) return;
      try {
        const first = checkDaemonMessage(decodeBody(frames[0]!));
        if (first.t === 'error') return fail(new ProtocolError(first.code, first.message));
        if (first.t !== 'welcome') return fail(new ProtocolError('BAD_MESSAGE', `expected welcome, got ${first.t}`));
        const mismatch = handshakeMismatch(LOCAL_VERSIONS, first);
        if (mismatch) return fail(new ProtocolError('VERSION_MISMATCH', mismatch));
        clearTimeout(timer);
        socket.removeListener('data', onData);
        socket.removeAllListeners('error');
        socket.removeAllListeners('close');
        resolve({ socket, welcome: first, reader, pending: frames.slice(1) });
      } catch (error) {
        fail(error as Error);
      }
    };
    socket.on('data', onData);
  });
}
