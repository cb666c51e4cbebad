/**
 * GraphQL documents exactly as the official clients send them (wandb-core 0.28, Python 0.17's
 * internal_api, @wandb/sdk 0.5.1), for conformance tests.
 */

/** wandb-core / Python `wandb login` Viewer. */
export const VIEWER = `query Viewer{
    viewer { id entity username email flags teams { edges { node { name } } } }
}`;

/** Python 0.17 Viewer once the probe found serverInfo fields. */
export const VIEWER_SERVER_INFO = `query Viewer{
    viewer { id entity username email flags teams { edges { node { name } } } }
    serverInfo {
        cliVersionInfo
        latestLocalVersionInfo { outOfDate latestVersionString versionOnThisInstanceString }
    }
}`;

/** @wandb/sdk Viewer. */
export const VIEWER_JS = `query Viewer { viewer { id entity flags teams { edges { node { name } } } } }`;

/** wandb-core features probe. */
export const SERVER_FEATURES = `query ServerFeaturesQuery { serverInfo { features { name isEnabled } } }`;

/** Python 0.17 capability probe (sent without operationName). */
export const PROBE_CAPABILITIES = `
   query ProbeServerCapabilities {
       QueryType: __type(name: "Query") { ...fieldData }
       MutationType: __type(name: "Mutation") { ...fieldData }
       ServerInfoType: __type(name: "ServerInfo") { ...fieldData }
    }
    fragment fieldData on __Type { fields { name } }`;

/** Python 0.17 server settings probe. */
export const PROBE_SETTINGS = `
   query ProbeServerSettings {
       ServerSettingsType: __type(name: "ServerSettings") { ...fieldData }
    }
    fragment fieldData on __Type { fields { name } }`;

const UPSERT_VARIABLES = `$id: String, $name: String, $project: String, $entity: String, $groupName: String, $description: String,
  $displayName: String, $notes: String, $commit: String, $config: JSONString, $host: String, $debug: Boolean, $program: String,
  $repo: String, $jobType: String, $state: String, $sweep: String, $tags: [String!], $summaryMetrics: JSONString,`;
const UPSERT_INPUT = `input: { id: $id, name: $name, groupName: $groupName, modelName: $project, entityName: $entity,
  description: $description, displayName: $displayName, notes: $notes, config: $config, commit: $commit, host: $host,
  debug: $debug, jobProgram: $program, jobRepo: $repo, jobType: $jobType, state: $state, sweep: $sweep, tags: $tags,
  summaryMetrics: $summaryMetrics, }`;

/** wandb-core UpsertBucket. */
export const UPSERT_BUCKET = `mutation UpsertBucket(${UPSERT_VARIABLES}) {
  upsertBucket(${UPSERT_INPUT}) {
    bucket { id name displayName description config sweepName project { id name entity { id name } } historyLineCount }
    inserted
  }
}`;

/** Python 0.17 UpsertBucket with the serverSettings selection. */
export const UPSERT_BUCKET_SETTINGS = `mutation UpsertBucket(${UPSERT_VARIABLES}) {
  upsertBucket(${UPSERT_INPUT}) {
    bucket { id name displayName description config sweepName project { id name entity { id name } } historyLineCount }
    inserted
    serverSettings { serverMessages { utfText plainText htmlText messageType messageLevel } }
  }
}`;

/** @wandb/sdk UpsertBucket (no historyLineCount). */
export const UPSERT_BUCKET_JS = `mutation UpsertBucket(${UPSERT_VARIABLES.replace(/,\s*$/, '')}) {
  upsertBucket(${UPSERT_INPUT.replace(/,\s*}$/, '}')}) {
    bucket { id name displayName description config sweepName project { id name entity { id name } } }
    inserted
  }
}`;

/** wandb-core RunResumeStatus. */
export const RUN_RESUME_STATUS = `query RunResumeStatus($project: String, $entity: String, $name: String!) {
  model(name: $project, entityName: $entity) {
    id name entity { id name }
    bucket(name: $name, missingOk: true) {
      id name summaryMetrics displayName logLineCount historyLineCount eventsLineCount historyTail eventsTail config tags notes
      wandbConfig(keys: ["t"])
    }
  }
}`;

/** Python 0.17 RunResumeStatus. */
export const RUN_RESUME_STATUS_17 = `query RunResumeStatus($project: String, $entity: String, $name: String!) {
  model(name: $project, entityName: $entity) {
    id name entity { id name }
    bucket(name: $name, missingOk: true) {
      id name summaryMetrics displayName logLineCount historyLineCount eventsLineCount historyTail eventsTail config tags
    }
  }
}`;

/** RunStoppedStatus (both generations). */
export const RUN_STOPPED_STATUS = `query RunStoppedStatus($projectName: String, $entityName: String, $runId: String!) {
    project(name:$projectName, entityName:$entityName) { run(name:$runId) { stopped } }
}`;

/** CreateRunFiles (both generations). */
export const CREATE_RUN_FILES = `mutation CreateRunFiles($entity: String!, $project: String!, $run: String!, $files: [String!]!) {
    createRunFiles(input: {entityName: $entity, projectName: $project, runName: $run, files: $files}) {
        runID uploadHeaders files { name uploadUrl }
    }
}`;

/** @wandb/sdk RunUploadUrls. */
export const RUN_UPLOAD_URLS = `query RunUploadUrls($name: String!, $files: [String]!, $entity: String, $run: String!, $description: String) {
  model(name: $name, entityName: $entity) {
    bucket(name: $run, desc: $description) {
      id
      files(names: $files) { uploadHeaders edges { node { name url(upload: true) updatedAt } } }
    }
  }
}`;

/** Every UpsertBucket variable set to null, as Python sends unset ones. */
export function nullUpsertVariables(): Record<string, unknown> {
  const names = ['id', 'name', 'project', 'entity', 'groupName', 'description', 'displayName', 'notes', 'commit', 'config', 'host', 'debug', 'program', 'repo', 'jobType', 'state', 'sweep', 'tags', 'summaryMetrics'];
  return Object.fromEntries(names.map((n) => [n, null]));
}
