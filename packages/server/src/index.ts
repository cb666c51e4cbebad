/** The W&B-compatible server: storage, GraphQL, file_stream, uploads and the JSON read API. */
export {};
