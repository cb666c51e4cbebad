import type { StatusQuery, StatusReply } from '@wandb-daemon/protocol';
import type { HandlerContext } from '../context.js';

/** The daemon's status, as `wandb-daemon status --json` prints it. */
export function handleStatus(ctx: HandlerContext, _conn: unknown, _msg: StatusQuery): StatusReply {
  return ctx.status();
}
