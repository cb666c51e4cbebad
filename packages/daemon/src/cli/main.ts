/** Entry point of the `wandb-daemon` command (bin/wandb-daemon.js imports this module). */
import { drainStdout, printError } from './output.js';
import { runCli } from './program.js';

// `wandb-daemon export run | head`: a closed pipe ends the command quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  printError(`cannot write to stdout: ${error.code ?? error.message}`);
  process.exit(1);
});

const code = await runCli(process.argv);
await drainStdout();
process.exit(code);
