/**
 * A module-resolution hook that appends every resolved URL to the file named by
 * `WANDB_TEST_IMPORT_LOG`, to prove what a user process loads. Registered with
 * `node --import <this file>`.
 */
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';

if (process.env.WANDB_TEST_IMPORT_LOG && !process.env.WANDB_TEST_IMPORT_HOOKED) {
  process.env.WANDB_TEST_IMPORT_HOOKED = '1';
  register(import.meta.url);
}

export async function resolve(
  specifier: string,
  context: unknown,
  next: (specifier: string, context: unknown) => Promise<{ url: string }>,
): Promise<{ url: string }> {
  const result = await next(specifier, context);
  appendFileSync(process.env.WANDB_TEST_IMPORT_LOG!, `${result.url}\n`);
  return result;
}
