/**
 * `GET /api/v1/live`: the dashboard's WebSocket (protocol in live-protocol.ts). The upgrade itself
 * needs no key (browsers cannot send headers on a WebSocket); the first message must carry it.
 * Frames are limited to LIVE_MAX_PAYLOAD bytes, and each user to limits.maxSocketsPerUser sockets at
 * once (one count per server). Each socket is pinged every limits.pingIntervalMs and cut off when a
 * pong is missing (live-session.ts). Closing the server closes every socket (1001) and cuts off,
 * after CLOSE_GRACE_MS, a peer that does not finish the close handshake.
 */
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { ServerServices } from '../http/types.js';
import { LIVE_CLOSE } from './live-protocol.js';
import { LiveSession, type LiveLimits } from './live-session.js';
import { UserSlots } from './user-slots.js';

/** Path of the live socket. */
export const LIVE_PATH = '/api/v1/live';

/** Largest frame a page may send. */
const LIVE_MAX_PAYLOAD = 64 * 1024;

/** Milliseconds a closing server waits for peers to answer its close frame. */
const CLOSE_GRACE_MS = 1000;

/** Closes every socket, then the WebSocket server; `done` once all are gone. */
function closeAll(this: FastifyInstance, done: () => void): void {
  const server = this.websocketServer;
  for (const client of server.clients) client.close(LIVE_CLOSE.goingAway, 'server closing');
  const cutoff = setTimeout(() => {
    for (const client of server.clients) client.terminate();
  }, CLOSE_GRACE_MS);
  server.close(() => {
    clearTimeout(cutoff);
    done();
  });
}

/**
 * Registers the WebSocket plugin and the live route. Await it before any other route: the plugin
 * wraps every route declared after it (an upgrade to another path is closed, not left open).
 */
export async function registerLive(app: FastifyInstance, services: ServerServices, limits: LiveLimits): Promise<void> {
  await app.register(fastifyWebsocket, { options: { maxPayload: LIVE_MAX_PAYLOAD }, preClose: closeAll });
  const slots = new UserSlots(limits.maxSocketsPerUser);
  app.get(LIVE_PATH, { websocket: true }, (socket, request) => {
    new LiveSession(socket, services.store, services.changes, limits, slots, request.log);
  });
}
