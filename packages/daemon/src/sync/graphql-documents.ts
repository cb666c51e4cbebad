/** The GraphQL documents the syncer sends, as W&B's clients send them (wandb-wire.md). */

/** Creates or updates a run (a `Bucket` in a `Model`); null variables leave fields unchanged. */
export const UPSERT_BUCKET = `mutation UpsertBucket(
  $id: String, $name: String, $project: String, $entity: String, $groupName: String, $description: String,
  $displayName: String, $notes: String, $commit: String, $config: JSONString, $host: String, $debug: Boolean,
  $program: String, $repo: String, $jobType: String, $state: String, $sweep: String, $tags: [String!],
  $summaryMetrics: JSONString
) {
  upsertBucket(input: {
    id: $id, name: $name, groupName: $groupName, modelName: $project, entityName: $entity,
    description: $description, displayName: $displayName, notes: $notes, config: $config, commit: $commit,
    host: $host, debug: $debug, jobProgram: $program, jobRepo: $repo, jobType: $jobType, state: $state,
    sweep: $sweep, tags: $tags, summaryMetrics: $summaryMetrics
  }) {
    bucket {
      id name displayName description config sweepName historyLineCount
      project { id name entity { id name } }
    }
    inserted
  }
}`;

/** Every UpsertBucket variable, so that each call sends all of them (unset ones as null). */
export const UPSERT_BUCKET_VARIABLES = [
  'id', 'name', 'project', 'entity', 'groupName', 'description', 'displayName', 'notes', 'commit', 'config',
  'host', 'debug', 'program', 'repo', 'jobType', 'state', 'sweep', 'tags', 'summaryMetrics',
] as const;

/** What the server knows of a run, for resuming it on another machine. */
export const RUN_RESUME_STATUS = `query RunResumeStatus($project: String, $entity: String, $name: String!) {
  model(name: $project, entityName: $entity) {
    id
    name
    entity { id name }
    bucket(name: $name, missingOk: true) {
      id name summaryMetrics displayName logLineCount historyLineCount eventsLineCount historyTail eventsTail
      config tags notes wandbConfig(keys: ["t"])
    }
  }
}`;

/** Upload URLs for a run's files, one per name. */
export const CREATE_RUN_FILES = `mutation CreateRunFiles($entity: String!, $project: String!, $run: String!, $files: [String!]!) {
  createRunFiles(input: {entityName: $entity, projectName: $project, runName: $run, files: $files}) {
    runID
    uploadHeaders
    files { name uploadUrl }
  }
}`;

/** The reply of UpsertBucket, as far as the syncer reads it. */
export interface UpsertBucketData {
  upsertBucket: {
    bucket: { id: string; name: string; historyLineCount?: number | null; project?: { name: string; entity?: { name: string } | null } | null } | null;
    /** False when the run existed before this call. */
    inserted?: boolean;
  } | null;
}

/** The reply of CreateRunFiles. */
export interface CreateRunFilesData {
  createRunFiles: { runID?: string; uploadHeaders?: string[] | null; files: { name: string; uploadUrl: string | null }[] } | null;
}
