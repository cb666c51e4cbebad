/**
 * Unit tests of resolveInitOptions (src/options): both spellings, precedence of options over settings
 * over environment over defaults, every environment variable, every UsageError, the resume / reinit /
 * mode mappings, every config source, unsupported options, API keys, run ids and names, and that
 * importing the module loads no YAML parser. Every call passes `env` and `cwd` explicitly; files live
 * in a temporary directory removed afterwards.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { inspect, parseArgs } from 'node:util';
import {
  DEFAULT_MAX_BUFFERED_BYTES,
  generateRunId,
  resolveInitOptions,
  UsageError,
  type InitOptions,
  type ResolvedInit,
} from '../src/options/index.js';
import { tempDirs } from '@wandb-daemon/daemon/test-utils/temp-dirs';

/** A fresh empty directory, used as cwd so that no config-defaults.yaml is found by accident. */
const freshDir = tempDirs('wandb-client-options-');

/** Options the type system would refuse, to test what JavaScript callers can pass. */
const loose = (options: Record<string, unknown>): InitOptions => options as InitOptions;

const MiB = 1024 * 1024;

async function resolveIn(options: InitOptions | undefined, env: NodeJS.ProcessEnv = {}, cwd = freshDir()): Promise<ResolvedInit> {
  return resolveInitOptions(options, env, cwd);
}

/** Asserts a UsageError whose message contains every fragment. */
async function assertUsageError(promise: Promise<unknown>, fragments: readonly string[]): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
    assert.equal(error.name, 'UsageError');
    for (const fragment of fragments) assert.ok(error.message.includes(fragment), `message ${JSON.stringify(error.message)} lacks ${JSON.stringify(fragment)}`);
    return true;
  });
}

describe('defaults', () => {
  test('no options and an empty environment', async () => {
    const cwd = freshDir();
    const resolved = await resolveInitOptions(undefined, {}, cwd);
    assert.deepEqual(resolved, {
      mode: 'online',
      project: 'uncategorized',
      entity: null,
      runId: null,
      name: null,
      group: null,
      jobType: 'train',
      tags: [],
      notes: null,
      dir: cwd,
      config: {},
      allowValChange: false,
      resume: 'none',
      reinit: 'return_previous',
      anonymous: null,
      force: false,
      silent: false,
      strictSteps: false,
      fallback: false,
      initTimeoutMs: 90_000,
      maxBufferedBytes: 64 * MiB,
      console: 'auto',
      baseUrl: null,
      apiKey: null,
      settings: {},
      unsupported: [],
    } satisfies ResolvedInit);
    assert.deepEqual(await resolveInitOptions({}, {}, cwd), resolved, 'an empty object is the same as no options');
  });

  test('null options count as not given', async () => {
    const resolved = await resolveIn(loose({ project: null, tags: null, config: null, settings: null, resume: null, id: null }));
    assert.equal(resolved.project, 'uncategorized');
    assert.deepEqual(resolved.tags, []);
    assert.equal(resolved.resume, 'none');
    assert.equal(resolved.runId, null);
  });

  test('dir: default cwd, relative against cwd, absolute as given', async () => {
    const cwd = freshDir();
    assert.equal((await resolveIn({}, {}, cwd)).dir, cwd);
    assert.equal((await resolveIn({ dir: 'runs/a' }, {}, cwd)).dir, join(cwd, 'runs', 'a'));
    assert.equal((await resolveIn({ dir: '/var/tmp/x' }, {}, cwd)).dir, '/var/tmp/x');
    assert.equal((await resolveIn({}, { WANDB_DIR: 'from-env' }, cwd)).dir, join(cwd, 'from-env'));
  });
});

describe('both spellings', () => {
  const cases: { camel: string; snake: string; value: unknown; check: (r: ResolvedInit) => unknown; expected: unknown }[] = [
    { camel: 'jobType', snake: 'job_type', value: 'eval', check: (r) => r.jobType, expected: 'eval' },
    { camel: 'allowValChange', snake: 'allow_val_change', value: true, check: (r) => r.allowValChange, expected: true },
    { camel: 'configIncludeKeys', snake: 'config_include_keys', value: ['a'], check: (r) => r.config, expected: { a: 1 } },
    { camel: 'configExcludeKeys', snake: 'config_exclude_keys', value: ['a'], check: (r) => r.config, expected: { b: 2 } },
    { camel: 'syncTensorboard', snake: 'sync_tensorboard', value: true, check: (r) => r.settings.syncTensorboard, expected: true },
    { camel: 'syncTensorboard', snake: 'tensorboard', value: true, check: (r) => r.settings.syncTensorboard, expected: true },
    { camel: 'monitorGym', snake: 'monitor_gym', value: true, check: (r) => r.settings.monitorGym, expected: true },
    { camel: 'saveCode', snake: 'save_code', value: true, check: (r) => r.settings.saveCode, expected: true },
  ];
  for (const { camel, snake, value, check, expected } of cases) {
    test(`${camel} / ${snake}`, async () => {
      const config = { a: 1, b: 2 };
      assert.deepEqual(check(await resolveIn(loose({ [camel]: value, config }))), expected);
      assert.deepEqual(check(await resolveIn(loose({ [snake]: value, config }))), expected);
      assert.deepEqual(check(await resolveIn(loose({ [camel]: value, [snake]: value, config }))), expected, 'equal values in both spellings are fine');
    });
  }

  test('settings keys in snake_case are normalised to camelCase', async () => {
    const resolved = await resolveIn({ settings: { init_timeout: 3, max_buffered_bytes: 2 * MiB, strict_steps: true, base_url: 'https://x.test/', some_other_key: 'v', _private_thing: 1 } });
    assert.equal(resolved.initTimeoutMs, 3000);
    assert.equal(resolved.maxBufferedBytes, 2 * MiB);
    assert.equal(resolved.strictSteps, true);
    assert.equal(resolved.baseUrl, 'https://x.test');
    assert.deepEqual(resolved.settings, { initTimeout: 3, maxBufferedBytes: 2 * MiB, strictSteps: true, baseUrl: 'https://x.test/', someOtherKey: 'v', _privateThing: 1 });
  });
});

describe('environment variables', () => {
  const cases: { env: NodeJS.ProcessEnv; check: (r: ResolvedInit) => unknown; expected: unknown }[] = [
    { env: { WANDB_PROJECT: 'proj' }, check: (r) => r.project, expected: 'proj' },
    { env: { WANDB_ENTITY: 'team' }, check: (r) => r.entity, expected: 'team' },
    { env: { WANDB_MODE: 'offline' }, check: (r) => r.mode, expected: 'offline' },
    { env: { WANDB_MODE: 'disabled' }, check: (r) => r.mode, expected: 'disabled' },
    { env: { WANDB_MODE: 'dryrun' }, check: (r) => r.mode, expected: 'offline' },
    { env: { WANDB_MODE: 'run' }, check: (r) => r.mode, expected: 'online' },
    { env: { WANDB_MODE: 'Offline' }, check: (r) => r.mode, expected: 'offline' },
    { env: { WANDB_DISABLED: 'true' }, check: (r) => r.mode, expected: 'disabled' },
    { env: { WANDB_DISABLED: 'true', WANDB_MODE: 'online' }, check: (r) => r.mode, expected: 'disabled' },
    { env: { WANDB_DISABLED: 'false', WANDB_MODE: 'offline' }, check: (r) => r.mode, expected: 'offline' },
    { env: { WANDB_RUN_ID: 'abc-123' }, check: (r) => r.runId, expected: 'abc-123' },
    { env: { WANDB_RESUME: 'allow' }, check: (r) => r.resume, expected: 'allow' },
    { env: { WANDB_RESUME: 'never' }, check: (r) => r.resume, expected: 'never' },
    { env: { WANDB_RESUME: 'auto' }, check: (r) => r.resume, expected: 'auto' },
    { env: { WANDB_RESUME: 'true' }, check: (r) => r.resume, expected: 'auto' },
    { env: { WANDB_RESUME: 'must', WANDB_RUN_ID: 'r1' }, check: (r) => r.resume, expected: 'must' },
    { env: { WANDB_NAME: 'my run' }, check: (r) => r.name, expected: 'my run' },
    { env: { WANDB_NOTES: 'some notes' }, check: (r) => r.notes, expected: 'some notes' },
    { env: { WANDB_TAGS: ' a, b ,,c,' }, check: (r) => r.tags, expected: ['a', 'b', 'c'] },
    { env: { WANDB_RUN_GROUP: 'g1' }, check: (r) => r.group, expected: 'g1' },
    { env: { WANDB_JOB_TYPE: 'eval' }, check: (r) => r.jobType, expected: 'eval' },
    { env: { WANDB_DIR: '/tmp/somewhere' }, check: (r) => r.dir, expected: '/tmp/somewhere' },
    { env: { WANDB_SILENT: 'true' }, check: (r) => r.silent, expected: true },
    { env: { WANDB_ANONYMOUS: 'allow' }, check: (r) => [r.anonymous, r.unsupported], expected: ['allow', ['anonymous']] },
    { env: { WANDB_SAVE_CODE: 'on' }, check: (r) => [r.settings.saveCode, r.unsupported], expected: [true, ['saveCode']] },
    { env: { WANDB_SAVE_CODE: 'off' }, check: (r) => [r.settings.saveCode, r.unsupported], expected: [false, []] },
    { env: { WANDB_BASE_URL: 'http://localhost:8080//' }, check: (r) => r.baseUrl, expected: 'http://localhost:8080' },
    { env: { WANDB_INIT_TIMEOUT: '2.5' }, check: (r) => r.initTimeoutMs, expected: 2500 },
    { env: { WANDB_PROJECT: '', WANDB_MODE: '  ', WANDB_TAGS: '' }, check: (r) => [r.project, r.mode, r.tags], expected: ['uncategorized', 'online', []] },
  ];
  for (const { env, check, expected } of cases) {
    test(JSON.stringify(env), async () => {
      assert.deepEqual(check(await resolveIn({}, env)), expected);
    });
  }

  test('variables the runtime does not know are ignored (no WANDB_ALLOW_VAL_CHANGE in W&B)', async () => {
    const resolved = await resolveIn({}, { WANDB_ALLOW_VAL_CHANGE: 'true', WANDB_SOMETHING: 'x' });
    assert.equal(resolved.allowValChange, false);
  });
});

describe('precedence: options > settings > environment > defaults', () => {
  const env: NodeJS.ProcessEnv = {
    WANDB_PROJECT: 'env-project',
    WANDB_ENTITY: 'env-entity',
    WANDB_RUN_ID: 'envid',
    WANDB_NAME: 'env-name',
    WANDB_RUN_GROUP: 'env-group',
    WANDB_JOB_TYPE: 'env-job',
    WANDB_TAGS: 'env1,env2',
    WANDB_NOTES: 'env notes',
    WANDB_DIR: '/env/dir',
    WANDB_MODE: 'offline',
    WANDB_RESUME: 'allow',
    WANDB_ANONYMOUS: 'must',
    WANDB_SAVE_CODE: 'true',
    WANDB_SILENT: 'true',
    WANDB_INIT_TIMEOUT: '5',
    WANDB_BASE_URL: 'http://env.test',
  };
  const cases: { option: InitOptions; check: (r: ResolvedInit) => unknown; fromOption: unknown; fromEnv: unknown }[] = [
    { option: { project: 'opt' }, check: (r) => r.project, fromOption: 'opt', fromEnv: 'env-project' },
    { option: { entity: 'opt' }, check: (r) => r.entity, fromOption: 'opt', fromEnv: 'env-entity' },
    { option: { id: 'optid' }, check: (r) => r.runId, fromOption: 'optid', fromEnv: 'envid' },
    { option: { name: 'opt' }, check: (r) => r.name, fromOption: 'opt', fromEnv: 'env-name' },
    { option: { group: 'opt' }, check: (r) => r.group, fromOption: 'opt', fromEnv: 'env-group' },
    { option: { jobType: 'opt' }, check: (r) => r.jobType, fromOption: 'opt', fromEnv: 'env-job' },
    { option: { tags: ['opt'] }, check: (r) => r.tags, fromOption: ['opt'], fromEnv: ['env1', 'env2'] },
    { option: { notes: 'opt' }, check: (r) => r.notes, fromOption: 'opt', fromEnv: 'env notes' },
    { option: { dir: '/opt/dir' }, check: (r) => r.dir, fromOption: '/opt/dir', fromEnv: '/env/dir' },
    { option: { mode: 'disabled' }, check: (r) => r.mode, fromOption: 'disabled', fromEnv: 'offline' },
    { option: { resume: 'never' }, check: (r) => r.resume, fromOption: 'never', fromEnv: 'allow' },
    { option: { resume: false }, check: (r) => r.resume, fromOption: 'none', fromEnv: 'allow' },
    { option: { anonymous: 'never' }, check: (r) => r.anonymous, fromOption: 'never', fromEnv: 'must' },
    { option: { saveCode: false }, check: (r) => r.settings.saveCode, fromOption: false, fromEnv: true },
    { option: { settings: { mode: 'online' } }, check: (r) => r.mode, fromOption: 'online', fromEnv: 'offline' },
    { option: { settings: { silent: false } }, check: (r) => r.silent, fromOption: false, fromEnv: true },
    { option: { settings: { initTimeout: 1 } }, check: (r) => r.initTimeoutMs, fromOption: 1000, fromEnv: 5000 },
    { option: { settings: { baseUrl: 'https://s.test' } }, check: (r) => r.baseUrl, fromOption: 'https://s.test', fromEnv: 'http://env.test' },
  ];
  for (const { option, check, fromOption, fromEnv } of cases) {
    test(JSON.stringify(option), async () => {
      assert.deepEqual(check(await resolveIn(option, env)), fromOption, 'the option wins over the environment');
      assert.deepEqual(check(await resolveIn({}, env)), fromEnv, 'the environment wins over the default');
    });
  }

  test('the option wins over the same key in settings', async () => {
    const resolved = await resolveIn({ mode: 'offline', reinit: 'create_new', saveCode: true, settings: { mode: 'disabled', reinit: false, saveCode: false } });
    assert.equal(resolved.mode, 'offline');
    assert.equal(resolved.reinit, 'create_new');
    assert.equal(resolved.settings.saveCode, true);
  });

  test('resume null leaves the environment in charge; resume false overrides it', async () => {
    assert.equal((await resolveIn({ resume: null }, { WANDB_RESUME: 'allow' })).resume, 'allow');
    assert.equal((await resolveIn({ resume: false }, { WANDB_RESUME: 'allow' })).resume, 'none');
  });
});

describe('boolean environment variables', () => {
  const truthy = ['true', 'TRUE', 'True', '1', 'yes', 'YES', 'on', 'On', ' true '];
  const falsy = ['false', 'FALSE', '0', 'no', 'No', 'off', 'OFF'];
  for (const raw of truthy) test(`WANDB_SILENT=${JSON.stringify(raw)} is true`, async () => assert.equal((await resolveIn({}, { WANDB_SILENT: raw })).silent, true));
  for (const raw of falsy) test(`WANDB_SILENT=${JSON.stringify(raw)} is false`, async () => assert.equal((await resolveIn({}, { WANDB_SILENT: raw })).silent, false));

  const invalidCases: [string, string][] = [
    ['WANDB_SILENT', 'maybe'],
    ['WANDB_SILENT', '2'],
    ['WANDB_SILENT', 'y'],
    ['WANDB_DISABLED', 'sometimes'],
    ['WANDB_SAVE_CODE', 'nah'],
  ];
  for (const [name, raw] of invalidCases) {
    test(`${name}=${raw} is a UsageError naming the variable`, async () => {
      await assertUsageError(resolveIn({}, { [name]: raw }), [`environment variable ${name}`, 'true/1/yes/on or false/0/no/off', JSON.stringify(raw)]);
    });
  }
});

describe('invalid environment values', () => {
  const cases: [string, string, string][] = [
    ['WANDB_MODE', 'fast', '"online", "offline" or "disabled"'],
    ['WANDB_RESUME', 'sometimes', '"auto", "allow", "must", "never"'],
    ['WANDB_RUN_ID', 'bad id!', '[A-Za-z0-9_.-]'],
    ['WANDB_ANONYMOUS', 'maybe', '"allow", "must", "never"'],
    ['WANDB_BASE_URL', 'ftp://files.test', 'http:// or https:// URL'],
    ['WANDB_BASE_URL', 'not a url', 'http:// or https:// URL'],
    ['WANDB_INIT_TIMEOUT', 'soon', 'positive number of seconds'],
    ['WANDB_INIT_TIMEOUT', '-1', 'positive number of seconds'],
    ['WANDB_PROJECT', 'a/b', 'project name'],
    ['WANDB_TAGS', `ok,${'t'.repeat(65)}`, '1 to 64 characters'],
  ];
  for (const [name, raw, expected] of cases) {
    test(`${name}=${raw}`, async () => {
      await assertUsageError(resolveIn({}, { [name]: raw }), [`environment variable ${name}`, expected]);
    });
  }

  test('WANDB_RESUME=must without any id', async () => {
    await assertUsageError(resolveIn({}, { WANDB_RESUME: 'must' }), ['environment variable WANDB_RESUME', "resume 'must' needs a run id", 'WANDB_RUN_ID']);
  });
});

describe('UsageErrors for options', () => {
  const cases: { options: Record<string, unknown> | string; fragments: string[] }[] = [
    { options: 'my-project', fragments: ['init options', 'plain object', 'string "my-project"'] },
    { options: { tags: 'a' }, fragments: ["init option 'tags'", 'an array of strings', 'string "a"'] },
    { options: { tags: ['a', 1] }, fragments: ["init option 'tags'", 'number 1', 'index 1'] },
    { options: { tags: [''] }, fragments: ["init option 'tags'", '1 to 64 characters'] },
    { options: { tags: ['x'.repeat(65)] }, fragments: ["init option 'tags'", '1 to 64 characters'] },
    { options: { project: 5 }, fragments: ["init option 'project'", 'non-empty string', 'number 5'] },
    { options: { project: '' }, fragments: ["init option 'project'", 'non-empty string', 'string ""'] },
    { options: { project: 'a/b' }, fragments: ["init option 'project'", '/ \\ # ? % :'] },
    { options: { project: 'p'.repeat(129) }, fragments: ["init option 'project'", 'at most 128 characters'] },
    { options: { jobType: '' }, fragments: ["init option 'jobType'", 'non-empty string', 'string ""'] },
    { options: { job_type: 3 }, fragments: ["init option 'job_type'", 'number 3'] },
    { options: { dir: 7 }, fragments: ["init option 'dir'", 'string', 'number 7'] },
    { options: { entity: true }, fragments: ["init option 'entity'", 'boolean true'] },
    { options: { name: {} }, fragments: ["init option 'name'", 'object'] },
    { options: { group: [] }, fragments: ["init option 'group'", 'array'] },
    { options: { notes: 1 }, fragments: ["init option 'notes'", 'a string', 'number 1'] },
    { options: { mode: 'fast' }, fragments: ["init option 'mode'", '"online", "offline" or "disabled"', 'string "fast"'] },
    { options: { mode: 'shared' }, fragments: ["init option 'mode'"] },
    { options: { resume: 'sometimes' }, fragments: ["init option 'resume'", '"auto", "allow", "must", "never"'] },
    { options: { resume: 1 }, fragments: ["init option 'resume'", 'number 1'] },
    { options: { resume: 'must' }, fragments: ["init option 'resume'", "resume 'must' needs a run id", "'id'", 'WANDB_RUN_ID'] },
    { options: { reinit: 'maybe' }, fragments: ["init option 'reinit'", '"finish_previous"', 'string "maybe"'] },
    { options: { anonymous: 'sometimes' }, fragments: ["init option 'anonymous'", '"allow", "must", "never"'] },
    { options: { allowValChange: 'yes' }, fragments: ["init option 'allowValChange'", 'true or false', 'string "yes"'] },
    { options: { allow_val_change: 1 }, fragments: ["init option 'allow_val_change'", 'true or false'] },
    { options: { force: 1 }, fragments: ["init option 'force'", 'true or false'] },
    { options: { syncTensorboard: 'true' }, fragments: ["init option 'syncTensorboard'", 'true or false'] },
    { options: { tensorboard: 'yes' }, fragments: ["init option 'tensorboard'", 'true or false'] },
    { options: { monitor_gym: 0 }, fragments: ["init option 'monitor_gym'", 'true or false'] },
    { options: { saveCode: 'y' }, fragments: ["init option 'saveCode'", 'true or false'] },
    { options: { magic: 5 }, fragments: ["init option 'magic'", 'a boolean, an object or a string'] },
    { options: { magic: [] }, fragments: ["init option 'magic'", 'array'] },
    { options: { id: 'has space' }, fragments: ["init option 'id'", '1 to 128 characters from [A-Za-z0-9_.-]'] },
    { options: { id: '' }, fragments: ["init option 'id'", 'string ""'] },
    { options: { id: 'x'.repeat(129) }, fragments: ["init option 'id'", '1 to 128'] },
    { options: { id: 'a/b' }, fragments: ["init option 'id'"] },
    { options: { id: 42 }, fragments: ["init option 'id'", 'number 42'] },
    { options: { settings: 'silent' }, fragments: ["init option 'settings'", 'plain object'] },
    { options: { settings: { silent: 'yes' } }, fragments: ["setting 'silent'", 'true or false'] },
    { options: { settings: { strictSteps: 1 } }, fragments: ["setting 'strictSteps'", 'true or false'] },
    { options: { settings: { fallback: 'no' } }, fragments: ["setting 'fallback'", 'true or false'] },
    { options: { settings: { init_timeout: 0 } }, fragments: ["setting 'init_timeout'", 'positive number of seconds'] },
    { options: { settings: { initTimeout: '90' } }, fragments: ["setting 'initTimeout'", 'string "90"'] },
    { options: { settings: { maxBufferedBytes: 1000 } }, fragments: ["setting 'maxBufferedBytes'", '1 MiB', 'number 1000'] },
    { options: { settings: { max_buffered_bytes: 1.5 * MiB + 0.5 } }, fragments: ["setting 'max_buffered_bytes'", 'whole number'] },
    { options: { settings: { reinit: 'x' } }, fragments: ["setting 'reinit'"] },
    { options: { settings: { mode: 'x' } }, fragments: ["setting 'mode'", '"online"'] },
    { options: { settings: { baseUrl: 'not a url' } }, fragments: ["setting 'baseUrl'", 'http:// or https:// URL'] },
    { options: { settings: { initTimeout: 5, init_timeout: 6 } }, fragments: ["setting 'initTimeout'", "setting 'init_timeout'", 'give only one'] },
    { options: { configIncludeKeys: ['a'], configExcludeKeys: ['b'] }, fragments: ["init option 'configIncludeKeys'", "init option 'configExcludeKeys'", 'cannot both be given'] },
    { options: { config_include_keys: ['a'], config_exclude_keys: ['b'] }, fragments: ["'config_include_keys'", "'config_exclude_keys'"] },
    { options: { configIncludeKeys: 'a' }, fragments: ["init option 'configIncludeKeys'", 'an array of strings'] },
    { options: { config_exclude_keys: [1] }, fragments: ["init option 'config_exclude_keys'", 'number 1'] },
    { options: { config: 5 }, fragments: ["init option 'config'", 'number 5', 'YAML file path'] },
    { options: { config: [1, 2] }, fragments: ["init option 'config'", 'array'] },
    { options: { config: () => 1 }, fragments: ["init option 'config'", 'function'] },
    { options: { config: true }, fragments: ["init option 'config'", 'boolean true'] },
    { options: { config: new Date(0) }, fragments: ["init option 'config'", 'Date instance'] },
    { options: { config: new Map<unknown, unknown>([[1, 'a']]) }, fragments: ["init option 'config'", 'string keys', 'number 1'] },
    { options: { config: { opts: () => 'nope' } }, fragments: ["init option 'config'", 'opts()', 'string "nope"'] },
    { options: { config: 'missing.yaml' }, fragments: ['missing.yaml', 'does not exist', "init option 'config'"] },
    { options: { projct: 'x' }, fragments: ["Unknown init option 'projct'", "Did you mean 'project'?"] },
    { options: { jobtype: 'x' }, fragments: ["Unknown init option 'jobtype'", "Did you mean 'jobType'?"] },
    { options: { job_typ: 'x' }, fragments: ["Unknown init option 'job_typ'", "Did you mean 'job_type'?"] },
    { options: { tgas: ['x'] }, fragments: ["Unknown init option 'tgas'", "Did you mean 'tags'?"] },
    { options: { saveCodes: true }, fragments: ["Unknown init option 'saveCodes'", "Did you mean 'saveCode'?"] },
    { options: { apiKey: 'secret' }, fragments: ["Unknown init option 'apiKey'"] },
    { options: { jobType: 'a', job_type: 'b' }, fragments: ["init option 'jobType'", "init option 'job_type'", 'give only one'] },
    { options: { syncTensorboard: true, tensorboard: false }, fragments: ["init option 'syncTensorboard'", "init option 'tensorboard'"] },
    { options: { configIncludeKeys: ['a'], config_include_keys: ['b'] }, fragments: ["init option 'configIncludeKeys'", "init option 'config_include_keys'", 'give only one'] },
  ];
  for (const { options, fragments } of cases) {
    test(`${JSON.stringify(options) ?? String(options)} → ${fragments[0]}`, async () => {
      await assertUsageError(resolveIn(options as InitOptions), fragments);
    });
  }

  test('an unknown option far from every name gets no suggestion', async () => {
    await assert.rejects(resolveIn(loose({ totallyDifferent: 1 })), (error: Error) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /Unknown init option 'totallyDifferent'\.$/);
      return true;
    });
  });

  test('an unknown option is refused even when undefined (a typo is a typo)', async () => {
    await assertUsageError(resolveIn(loose({ projcet: undefined })), ["Unknown init option 'projcet'"]);
  });

  test('UsageError is an Error with its own name', () => {
    const error = new UsageError('x');
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'UsageError');
    assert.match(String(error), /^UsageError: x$/);
  });
});

describe('resume, reinit and mode mappings', () => {
  const resumeCases: [InitOptions['resume'] | undefined, string][] = [
    [true, 'auto'],
    [false, 'none'],
    [null, 'none'],
    [undefined, 'none'],
    ['auto', 'auto'],
    ['allow', 'allow'],
    ['never', 'never'],
    ['must', 'must'],
  ];
  for (const [resume, expected] of resumeCases) {
    test(`resume ${String(resume)} → ${expected}`, async () => {
      assert.equal((await resolveIn({ resume, id: 'run1' })).resume, expected);
    });
  }

  test("resume 'must' with an id from WANDB_RUN_ID is accepted", async () => {
    const resolved = await resolveIn({ resume: 'must' }, { WANDB_RUN_ID: 'fromenv' });
    assert.deepEqual([resolved.resume, resolved.runId], ['must', 'fromenv']);
  });

  const reinitCases: [unknown, string][] = [
    [true, 'finish_previous'],
    [false, 'return_previous'],
    [undefined, 'return_previous'],
    ['default', 'return_previous'],
    ['return_previous', 'return_previous'],
    ['finish_previous', 'finish_previous'],
    ['create_new', 'create_new'],
  ];
  for (const [reinit, expected] of reinitCases) {
    test(`reinit ${String(reinit)} → ${expected} (as an option and as a setting)`, async () => {
      assert.equal((await resolveIn(loose({ reinit }))).reinit, expected);
      assert.equal((await resolveIn(loose({ settings: { reinit } }))).reinit, expected);
    });
  }

  const modeCases: [string, string][] = [
    ['online', 'online'],
    ['offline', 'offline'],
    ['disabled', 'disabled'],
    ['dryrun', 'offline'],
    ['run', 'online'],
  ];
  for (const [mode, expected] of modeCases) {
    test(`mode ${mode} → ${expected}`, async () => {
      assert.equal((await resolveIn(loose({ mode }))).mode, expected);
      assert.equal((await resolveIn(loose({ settings: { mode } }))).mode, expected);
    });
  }
});

describe('settings', () => {
  test('recognised settings are checked and applied', async () => {
    const resolved = await resolveIn({ settings: { silent: true, strictSteps: true, fallback: true, initTimeout: 0.5, maxBufferedBytes: MiB, baseUrl: 'https://api.example.test/' } });
    assert.equal(resolved.silent, true);
    assert.equal(resolved.strictSteps, true);
    assert.equal(resolved.fallback, true);
    assert.equal(resolved.initTimeoutMs, 500);
    assert.equal(resolved.maxBufferedBytes, MiB, '1 MiB is the minimum and is accepted');
    assert.equal(resolved.baseUrl, 'https://api.example.test');
    assert.equal(DEFAULT_MAX_BUFFERED_BYTES, 64 * MiB);
  });

  test('other settings are kept as given and stored', async () => {
    const resolved = await resolveIn({ settings: { console: 'off', _disable_stats: true, nested: { a: 1 } } });
    assert.deepEqual(resolved.settings, { console: 'off', _disableStats: true, nested: { a: 1 } });
  });

  test('two spellings of one setting with the same value are fine', async () => {
    assert.equal((await resolveIn({ settings: { initTimeout: 5, init_timeout: 5 } })).initTimeoutMs, 5000);
  });
});

describe('API keys are used but never stored', () => {
  const KEY = `local-${'k'.repeat(40)}`;

  test('apiKey and api_key (and prefixed forms) are dropped from settings; apiKey is kept aside, unprintable', async () => {
    const resolved = await resolveIn({ settings: { api_key: KEY, apiKey: KEY, wandbApiKey: 'secret-3', API_KEY: 'secret-4', silent: true } }, { WANDB_API_KEY: 'secret-env' });
    assert.deepEqual(resolved.settings, { silent: true });
    assert.equal(resolved.apiKey?.reveal(), KEY);
    const printed = [JSON.stringify(resolved), inspect(resolved, { depth: 10 }), String(resolved.apiKey)];
    for (const secret of [KEY, 'secret-3', 'secret-4', 'secret-env']) assert.ok(!printed.some((text) => text.includes(secret)), `${secret} leaked`);
  });

  test('a bare 40-character key is fine; a malformed key or two different keys are UsageErrors that do not show them', async () => {
    assert.equal((await resolveIn({ settings: { apiKey: 'a'.repeat(40) } })).apiKey?.reveal(), 'a'.repeat(40));
    await assertUsageError(resolveIn({ settings: { api_key: 'secret-too-short' } }), ["setting 'api_key'", '16 characters']);
    await assertUsageError(resolveIn({ settings: { apiKey: 12 as never } }), ["setting 'apiKey'", 'a string']);
    await assertUsageError(resolveIn({ settings: { api_key: KEY, apiKey: 'b'.repeat(40) } }), ['Conflicting', "'api_key'", "'apiKey'"]);
    for (const settings of [{ api_key: 'secret-too-short' }, { api_key: KEY, apiKey: 'b'.repeat(40) }]) {
      await assert.rejects(resolveIn({ settings }), (error: Error) => !error.message.includes('secret') && !error.message.includes(KEY) && !error.message.includes('bbbb'));
    }
  });
});

describe('unsupported options', () => {
  test('options asking for a feature are listed (in a fixed order) and stored by camelCase name; force is supported', async () => {
    const resolved = await resolveIn({ force: true, anonymous: 'allow', save_code: true, monitor_gym: true, tensorboard: true, magic: { watch: true } });
    assert.deepEqual(resolved.unsupported, ['magic', 'syncTensorboard', 'monitorGym', 'saveCode', 'anonymous']);
    assert.deepEqual(resolved.settings, { magic: { watch: true }, syncTensorboard: true, monitorGym: true, saveCode: true, anonymous: 'allow', force: true });
    assert.equal(resolved.anonymous, 'allow');
    assert.equal(resolved.force, true);
  });

  test('values asking for what already happens (false, anonymous never) are stored but not listed', async () => {
    const resolved = await resolveIn({ magic: false, syncTensorboard: false, monitorGym: false, saveCode: false, anonymous: 'never', force: false });
    assert.deepEqual(resolved.unsupported, []);
    assert.deepEqual(resolved.settings, { magic: false, syncTensorboard: false, monitorGym: false, saveCode: false, anonymous: 'never', force: false });
  });

  test('magic accepts a string (JSON or a YAML file name)', async () => {
    const resolved = await resolveIn({ magic: '{"keras": {}}' });
    assert.deepEqual(resolved.unsupported, ['magic']);
    assert.equal(resolved.settings.magic, '{"keras": {}}');
  });

  test("the user's settings and the unsupported options are stored together; the option wins", async () => {
    const resolved = await resolveIn({ force: true, settings: { force: false, console: 'off' } });
    assert.deepEqual(resolved.settings, { force: true, console: 'off' });
  });
});

describe('config sources', () => {
  const WANDB_FORMAT = [
    'wandb_version: 1',
    '',
    '_wandb:',
    '  desc: null',
    '  value:',
    '    cli_version: 0.16.0',
    'lr:',
    '  desc: learning rate',
    '  value: 0.01',
    'epochs:',
    '  value: 10',
    'layers:',
    '  desc: null',
    '  value: [64, 32]',
    'plain: 3',
    'nested:',
    '  a: 1',
    '  value: 2',
    '',
  ].join('\n');

  test('a plain object is copied', async () => {
    const config = { lr: 0.1, nested: { a: [1, 2] } };
    const resolved = await resolveIn({ config });
    assert.deepEqual(resolved.config, config);
    assert.notEqual(resolved.config, config);
  });

  test("a YAML file in W&B's value/desc format, relative to cwd", async () => {
    const cwd = freshDir();
    writeFileSync(join(cwd, 'config.yaml'), WANDB_FORMAT);
    const resolved = await resolveIn({ config: 'config.yaml' }, {}, cwd);
    assert.deepEqual(resolved.config, { lr: 0.01, epochs: 10, layers: [64, 32], plain: 3, nested: { a: 1, value: 2 } });
  });

  test('a plain YAML file by absolute path', async () => {
    const dir = freshDir();
    const path = join(dir, 'params.yml');
    writeFileSync(path, 'batch_size: 32\noptimizer: adam\n');
    assert.deepEqual((await resolveIn({ config: path })).config, { batch_size: 32, optimizer: 'adam' });
  });

  test('an empty YAML file is an empty config', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'empty.yaml'), '# nothing here\n');
    assert.deepEqual((await resolveIn({ config: 'empty.yaml' }, {}, dir)).config, {});
  });

  test('invalid YAML, or YAML that is not a mapping, is a UsageError naming the file', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'broken.yaml'), 'a: [1, 2\n');
    writeFileSync(join(dir, 'list.yaml'), '- 1\n- 2\n');
    await assertUsageError(resolveIn({ config: 'broken.yaml' }, {}, dir), [join(dir, 'broken.yaml'), 'not valid YAML']);
    await assertUsageError(resolveIn({ config: 'list.yaml' }, {}, dir), [join(dir, 'list.yaml'), 'mapping', 'array']);
  });

  test('a key named __proto__ stays data', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'proto.yaml'), '__proto__:\n  polluted: true\na: 1\n');
    const resolved = await resolveIn({ config: 'proto.yaml' }, {}, dir);
    assert.equal(Object.getPrototypeOf(resolved.config), Object.prototype);
    assert.deepEqual(Object.keys(resolved.config), ['__proto__', 'a']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('a commander Command: the result of opts()', async () => {
    class FakeCommand {
      readonly args = ['positional'];
      opts(): Record<string, unknown> {
        return { lr: 0.5, verbose: true };
      }
    }
    assert.deepEqual((await resolveIn({ config: new FakeCommand() })).config, { lr: 0.5, verbose: true });
  });

  test('a yargs argv without _ and $0', async () => {
    const argv = { _: ['train'], $0: 'train.js', lr: 0.1, 'batch-size': 32, batchSize: 32 };
    assert.deepEqual((await resolveIn({ config: argv })).config, { lr: 0.1, 'batch-size': 32, batchSize: 32 });
  });

  test("util.parseArgs's result: its values", async () => {
    const options = { lr: { type: 'string' }, verbose: { type: 'boolean' } } as const;
    const parsed = parseArgs({ args: ['--lr', '0.1', '--verbose', 'data.csv'], options, allowPositionals: true });
    assert.deepEqual((await resolveIn({ config: parsed })).config, { lr: '0.1', verbose: true });
    const withTokens = parseArgs({ args: ['--lr', '0.2'], options, tokens: true });
    assert.deepEqual((await resolveIn({ config: withTokens })).config, { lr: '0.2' });
  });

  test('a Map with string keys', async () => {
    assert.deepEqual((await resolveIn({ config: new Map<string, unknown>([['lr', 0.1], ['layers', [1, 2]]]) })).config, { lr: 0.1, layers: [1, 2] });
  });

  test('config-defaults.yaml in cwd is loaded first; the config option wins per top-level key', async () => {
    const cwd = freshDir();
    writeFileSync(join(cwd, 'config-defaults.yaml'), 'lr:\n  desc: default lr\n  value: 0.001\nepochs:\n  value: 5\nopt: {beta: 1}\n');
    assert.deepEqual((await resolveIn({}, {}, cwd)).config, { lr: 0.001, epochs: 5, opt: { beta: 1 } });
    assert.deepEqual((await resolveIn({ config: { lr: 0.1, opt: { gamma: 2 } } }, {}, cwd)).config, { lr: 0.1, epochs: 5, opt: { gamma: 2 } });
  });

  test('WANDB_CONFIG_PATHS: after config-defaults.yaml, in order, before the option', async () => {
    const cwd = freshDir();
    const other = freshDir();
    writeFileSync(join(cwd, 'config-defaults.yaml'), 'a: 0\nb: 0\nc: 0\nd: 0\n');
    writeFileSync(join(cwd, 'first.yaml'), 'b: 1\nc: 1\nd: 1\n');
    writeFileSync(join(other, 'second.yaml'), 'c:\n  value: 2\nd: 2\n');
    const env = { WANDB_CONFIG_PATHS: ` first.yaml , ${join(other, 'second.yaml')},` };
    assert.deepEqual((await resolveIn({}, env, cwd)).config, { a: 0, b: 1, c: 2, d: 2 });
    assert.deepEqual((await resolveIn({ config: { d: 3 } }, env, cwd)).config, { a: 0, b: 1, c: 2, d: 3 });
  });

  test('a missing file in WANDB_CONFIG_PATHS is a UsageError naming the variable and the path', async () => {
    const cwd = freshDir();
    await assertUsageError(resolveIn({}, { WANDB_CONFIG_PATHS: 'nowhere.yaml' }, cwd), [join(cwd, 'nowhere.yaml'), 'WANDB_CONFIG_PATHS', 'does not exist']);
  });

  test('include and exclude keys apply to the merged config', async () => {
    const cwd = freshDir();
    writeFileSync(join(cwd, 'config-defaults.yaml'), 'fromDefaults: 1\nkeep: 0\n');
    const config = { keep: 1, drop: 2, other: 3 };
    assert.deepEqual((await resolveIn({ config, configIncludeKeys: ['keep', 'fromDefaults', 'absent'] }, {}, cwd)).config, { fromDefaults: 1, keep: 1 });
    assert.deepEqual((await resolveIn({ config, config_exclude_keys: ['drop', 'fromDefaults'] }, {}, cwd)).config, { keep: 1, other: 3 });
  });

  test('empty include or exclude lists filter nothing (as in W&B) and may be given together', async () => {
    const config = { a: 1, b: 2 };
    assert.deepEqual((await resolveIn({ config, configIncludeKeys: [], configExcludeKeys: [] })).config, config);
    assert.deepEqual((await resolveIn({ config, configIncludeKeys: ['a'], configExcludeKeys: [] })).config, { a: 1 });
  });

  test('leaf values are not validated here', async () => {
    const fn = (): number => 1;
    const resolved = await resolveIn({ config: { fn, big: 10n, nan: Number.NaN } });
    assert.equal(resolved.config.fn, fn);
    assert.equal(resolved.config.big, 10n);
  });
});

describe('run ids and names', () => {
  test('generateRunId: 8 characters of [a-z0-9], unique over 10,000 ids, every character used', () => {
    const ids = new Set<string>();
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i += 1) {
      const id = generateRunId();
      assert.match(id, /^[a-z0-9]{8}$/);
      ids.add(id);
      for (const char of id) seen.add(char);
    }
    assert.equal(ids.size, 10_000);
    assert.equal(seen.size, 36);
  });

  test('a generated id is accepted as an explicit id', async () => {
    const id = generateRunId();
    assert.equal((await resolveIn({ id })).runId, id);
  });


  test('run ids at the limits', async () => {
    assert.equal((await resolveIn({ id: 'a' })).runId, 'a');
    assert.equal((await resolveIn({ id: 'A_b.c-9'.padEnd(128, 'x') })).runId?.length, 128);
  });
});

describe('module weight', () => {
  test('importing the options module loads no YAML parser, validator or msgpack; reading a YAML file does', () => {
    const dir = freshDir();
    const log = join(dir, 'imports.log');
    writeFileSync(join(dir, 'c.yaml'), 'a: 1\n');
    const hook = `import { appendFileSync } from 'node:fs';
      export async function resolve(specifier, context, next) {
        const result = await next(specifier, context);
        appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
        return result;
      }`;
    const indexUrl = new URL('../src/options/index.js', import.meta.url).href;
    const script = `
      import { register } from 'node:module';
      import { appendFileSync } from 'node:fs';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
      const options = await import(${JSON.stringify(indexUrl)});
      appendFileSync(${JSON.stringify(log)}, 'MARK\\n');
      await options.resolveInitOptions({ config: 'c.yaml' }, {}, ${JSON.stringify(dir)});`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: {} });
    assert.equal(result.status, 0, result.stderr);
    const [beforeMark, afterMark] = readFileSync(log, 'utf8').split('MARK\n') as [string, string];
    assert.ok(beforeMark.includes('/options/index.js'), beforeMark);
    for (const heavy of ['/yaml/', 'valibot', 'msgpackr']) assert.ok(!beforeMark.includes(heavy), `${heavy} loaded at import:\n${beforeMark}`);
    assert.doesNotMatch(beforeMark, /\.node$/m, 'no native addon loaded at import');
    assert.ok(afterMark.includes('/yaml/'), 'the YAML parser loads when a file is read');
  });
});
