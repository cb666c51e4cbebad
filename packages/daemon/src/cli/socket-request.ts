/**
 * One request over the daemon's socket, for CLI commands that need more than the read-only HTTP API
 * (e.g. `sync`, whose API key must travel only on the owner-only socket).
 */
import { checkDaemonMessage, decodeBody, encodeFrame, type RequestReplies, type RequestType } from '@wandb-daemon/protocol/lite';
import type { DaemonConnection } from '../lifecycle/connect.js';
import { CliError } from './errors.js';

/** Sends `message` with id 1 and resolves with its result; an error reply rejects with its message. */
export function socketRequest<T extends RequestType>(connection: DaemonConnection, message: { t: T } & Record<string, unknown>, timeoutMs = 30_000): Promise<RequestReplies[T]> {
  const { socket, reader } = connection;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new CliError(`the daemon did not answer ${message.t} within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    const done = (error: Error | null, result?: unknown) => {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
      if (error) reject(error);
      else resolve(result as RequestReplies[T]);
    };
    const onFrame = (frame: Buffer) => {
      const reply = checkDaemonMessage(decodeBody(frame));
      if (reply.t === 'error') return done(new CliError(`the daemon refused the request: ${reply.message}`));
      if (reply.t !== 'reply' || reply.id !== 1) return;
      if (reply.ok) done(null, reply.result);
      else done(new CliError(reply.error.message));
    };
    const onData = (chunk: Buffer) => {
      try {
        for (const frame of reader.push(chunk)) onFrame(frame);
      } catch (error) {
        done(error as Error);
      }
    };
    const onClose = () => done(new CliError('the daemon closed the connection before answering'));
    socket.on('data', onData);
    socket.once('close', onClose);
    for (const frame of connection.pending) onFrame(frame);
    socket.write(encodeFrame({ ...message, id: 1 }));
  });
}
