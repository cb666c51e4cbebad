/**
 * The GraphQL schema: the subset of W&B's schema the official clients use, with W&B's names (a
 * project is a `Project`, reached as `model` or `project`; a run is a `Run`, reached as `bucket` or
 * `run`) so that their exact documents validate. Types that older Python clients probe by
 * introspection (Query, Mutation, ServerInfo, ServerSettings) exist with the fields they look for.
 */
import { buildSchema, type GraphQLSchema } from 'graphql';

/** W&B's schema subset, as SDL. `JSONString` is a String holding JSON; `JSON` is any JSON value. */
const SCHEMA_SDL = /* GraphQL */ `
scalar JSONString
scalar JSON
scalar DateTime

type Query {
  viewer: User
  serverInfo: ServerInfo
  serverSettings: ServerSettings
  model(name: String, entityName: String): Project
  project(name: String, entityName: String): Project
  entity(name: String): Entity
}

type Mutation {
  upsertBucket(input: UpsertBucketInput!): UpsertBucketPayload
  createRunFiles(input: CreateRunFilesInput!): CreateRunFilesPayload
  markRunFilesUploaded(input: MarkRunFilesUploadedInput!): MarkRunFilesUploadedPayload
  stopRun(input: StopRunInput!): StopRunPayload
}

type User {
  id: ID!
  name: String!
  username: String
  email: String
  entity: String!
  defaultEntity: Entity
  flags: JSONString!
  admin: Boolean
  teams(first: Int): EntityConnection!
}

type Entity {
  id: ID!
  name: String!
  isTeam: Boolean!
  projects(first: Int): ProjectConnection
}

type EntityConnection {
  edges: [EntityEdge!]!
}

type EntityEdge {
  node: Entity
}

type ProjectConnection {
  edges: [ProjectEdge!]!
}

type ProjectEdge {
  node: Project
}

type ServerInfo {
  cliVersionInfo: JSON
  latestLocalVersionInfo: LocalVersionInfo
  features: [ServerFeature!]!
}

type LocalVersionInfo {
  outOfDate: Boolean!
  latestVersionString: String!
  versionOnThisInstanceString: String!
}

type ServerFeature {
  name: String!
  isEnabled: Boolean!
}

type ServerSettings {
  serverMessages: [ServerMessage!]!
}

type ServerMessage {
  utfText: String
  plainText: String
  htmlText: String
  messageType: String
  messageLevel: String
}

type Project {
  id: ID!
  name: String!
  entityName: String!
  entity: Entity!
  createdAt: DateTime
  runCount: Int!
  bucket(name: String!, missingOk: Boolean, desc: String): Run
  run(name: String!): Run
}

type Run {
  id: ID!
  name: String!
  displayName: String
  description: String
  notes: String
  group: String
  jobType: String
  host: String
  commit: String
  program: String
  sweepName: String
  state: String
  exitcode: Int
  stopped: Boolean!
  tags: [String!]!
  config: JSONString
  summaryMetrics: JSONString
  wandbConfig(keys: [String!]): JSONString
  historyLineCount: Int!
  eventsLineCount: Int!
  logLineCount: Int!
  historyTail: JSONString
  eventsTail: JSONString
  historyKeys: JSON
  createdAt: DateTime
  heartbeatAt: DateTime
  updatedAt: DateTime
  project: Project
  runInfo: RunInfo
  files(names: [String], first: Int): FileConnection
}

type RunInfo {
  program: String
  args: [String!]
  os: String
  python: String
  colab: String
  executable: String
  codeSaved: Boolean
  cpuCount: Int
  gpuCount: Int
  gpu: String
  git: GitInfo
}

type GitInfo {
  remote: String
  commit: String
}

type FileConnection {
  uploadHeaders: [String!]!
  edges: [FileEdge!]!
}

type FileEdge {
  node: File
}

type File {
  id: ID!
  name: String!
  url(upload: Boolean): String
  uploadUrl: String
  directUrl: String
  sizeBytes: Int
  digest: String
  updatedAt: DateTime
}

input UpsertBucketInput {
  id: String
  name: String
  groupName: String
  modelName: String
  entityName: String
  description: String
  displayName: String
  notes: String
  config: JSONString
  commit: String
  host: String
  debug: Boolean
  jobProgram: String
  jobRepo: String
  jobType: String
  state: String
  sweep: String
  tags: [String!]
  summaryMetrics: JSONString
  clientMutationId: String
}

type UpsertBucketPayload {
  bucket: Run
  inserted: Boolean
  updateAvailable: Boolean
  serverSettings: ServerSettings
  clientMutationId: String
}

input CreateRunFilesInput {
  entityName: String!
  projectName: String!
  runName: String!
  files: [String!]!
  clientMutationId: String
}

type CreateRunFilesPayload {
  runID: ID!
  uploadHeaders: [String!]!
  files: [File!]!
  clientMutationId: String
}

input MarkRunFilesUploadedInput {
  entityName: String!
  projectName: String!
  runName: String!
  files: [String!]!
  clientMutationId: String
}

type MarkRunFilesUploadedPayload {
  success: Boolean
  clientMutationId: String
}

input StopRunInput {
  id: ID!
  clientMutationId: String
}

type StopRunPayload {
  success: Boolean
  clientMutationId: String
}
`;

/**
 * The executable schema. Custom scalars keep graphql-js's identity behaviour: a JSONString travels
 * as the string it is, a JSON value as the object it is (cliVersionInfo is read as an object).
 */
export function createSchema(): GraphQLSchema {
  return buildSchema(SCHEMA_SDL);
}
