/** One request of a scenario, built once and sent many times. */
export interface PreparedRequest {
  /** Scheme, host and port of the target, such as "http://127.0.0.1:8080". */
  readonly origin: string;
  /** Absolute path including the base path, such as "/v1/chat/completions". */
  readonly path: string;
  readonly method: "POST";
  /** Request headers, including the API key; never logged or written to a report. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** For embeddings: the number of inputs, which the response must answer with as many vectors. */
  readonly expectedEmbeddings: number | undefined;
}
