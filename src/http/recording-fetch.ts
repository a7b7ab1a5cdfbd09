import type { Exchange } from "./exchange.ts";
import type { HttpClient } from "./http-client.ts";

/**
 * Creates a `fetch` for clients such as the openai SDK that sends through an HttpClient, so their
 * requests get the same timeouts and are recorded like the suites' own. The client's
 * Authorization header is dropped and replaced by `credential`, so the key stays out of the record.
 * Each exchange is passed to `onExchange` before the response is handed back.
 */
export function createRecordingFetch(
  client: HttpClient,
  credential: { readonly key: string; readonly variable: string },
  onExchange: (exchange: Exchange) => void,
): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (!url.href.startsWith(client.root)) {
      throw new TypeError(
        `The recording fetch only sends to ${client.root}; received a request for ${url.origin}.`,
      );
    }
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      if (name !== "authorization" && name !== "x-api-key" && name !== "content-length")
        headers[name] = value;
    });
    const contentType = request.headers.get("content-type") ?? "";
    const bodyText = request.body === null ? undefined : await request.text();
    const body =
      bodyText === undefined
        ? {}
        : contentType.includes("application/json")
          ? { json: JSON.parse(bodyText) as unknown }
          : { bytes: { contentType, data: new TextEncoder().encode(bodyText) } };
    const query: Record<string, string> = {};
    url.searchParams.forEach((value, name) => {
      query[name] = value;
    });
    const exchange = await client.send({
      method: request.method,
      path: url.href.slice(client.root.replace(/\/+$/, "").length).split("?")[0] ?? "/",
      query,
      headers,
      ...body,
      credential: { scheme: "bearer", key: credential.key, variable: credential.variable },
    });
    onExchange(exchange);
    if (exchange.response === undefined)
      throw new TypeError(`fetch failed: ${exchange.error?.message ?? "no response"}`);
    return new Response(
      exchange.response.body.byteLength === 0 ? null : Buffer.from(exchange.response.body),
      {
        status: exchange.response.status,
        headers: exchange.response.headers,
      },
    );
  };
}
