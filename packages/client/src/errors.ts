/** The errors W&B users know, under the names they know. */

/** `wandb.Error`: the base of the library's own errors (e.g. using a run API before `init`). */
export class WandbError extends Error {
  override name = 'WandbError';
}

/** `wandb.errors.UsageError`: the API was called in a way it does not support. */
export class UsageError extends WandbError {
  override name = 'UsageError';
}

/** `wandb.sdk.lib.config_util.ConfigError`: a config value was changed without `allowValChange`. */
export class ConfigError extends WandbError {
  override name = 'ConfigError';
}

/** `wandb.errors.CommError`: the W&B server could not be reached or gave an unusable answer (retrying may help). */
export class CommError extends WandbError {
  override name = 'CommError';
}

/** `wandb.errors.AuthenticationError`: the server refused the API key. */
export class AuthenticationError extends CommError {
  override name = 'AuthenticationError';
}
