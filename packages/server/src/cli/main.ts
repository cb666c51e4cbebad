/** Entry point of the `wandb-server` command (bin/wandb-server.js imports this module). */
import { runCli } from './program.js';

const code = await runCli(process.argv);
// `start` leaves a listening server behind; the other commands are done and exit with their code.
if (code !== 0) process.exit(code);
