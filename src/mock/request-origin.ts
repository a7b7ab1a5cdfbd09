import type { MockRequest } from "./mock-request.ts";

/**
 * Origin the mock names in URLs when a request has no usable Host header: the server URL of the
 * spec, which is also where the msw adapter takes requests by default.
 */
export const FALLBACK_ORIGIN = "http://127.0.0.1:4010";

/** Host header values that are safe to put into a URL: a host name or address and an optional port. */
const HOST_PATTERN = /^[A-Za-z0-9.\-[\]:]+$/;

/**
 * Returns the origin clients reach the mock at, from the Host header, for the URLs that responses
 * carry (webhook trigger URLs, OAuth client metadata). In-process (msw) requests carry no Host
 * header, and a Host header with other characters is not trusted, so both get `FALLBACK_ORIGIN`.
 */
export function requestOrigin(request: MockRequest): string {
  const host = request.headers["host"];
  return host !== undefined && HOST_PATTERN.test(host) ? `http://${host}` : FALLBACK_ORIGIN;
}
