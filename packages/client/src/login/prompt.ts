/**
 * Asks for an API key on the terminal, as W&B's `wandb login` does, without echoing what is typed:
 * readline edits the line on a muted copy of stderr, so the key never appears on screen.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { UsageError } from '../errors.js';

/** True when a person can be asked: stdin and stderr are both terminals. */
export function canPrompt(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
}

/** Prints where to find a key, then reads one line with echo off. Ctrl-C or end of input is a UsageError. */
export function promptForKey(authorizeUrl: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!muted) process.stderr.write(chunk);
      callback();
    },
  });
  // The interface puts the terminal in raw mode (echo off) before the prompt appears: a key pasted as
  // soon as the prompt shows would otherwise be echoed by the terminal itself.
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  muted = true;
  process.stderr.write(`wandb: You can find your API key in your browser here: ${authorizeUrl}\n`);
  process.stderr.write('wandb: Paste an API key from your profile and hit enter (it will not be shown): ');
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      rl.close();
      process.stderr.write('\n');
      outcome();
    };
    rl.on('line', (line) => settle(() => resolve(line.trim())));
    rl.on('SIGINT', () => settle(() => reject(new UsageError('login cancelled: no API key was entered.'))));
    rl.on('close', () => settle(() => reject(new UsageError('login cancelled: the input ended before an API key was entered.'))));
  });
}
