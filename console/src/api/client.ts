import createFetchClient, { type Middleware } from 'openapi-fetch';
import createQueryClient from 'openapi-react-query';
import { QueryClient } from '@tanstack/react-query';
import type { paths } from './schema';

/** The API's error body: {error: {code, message, details}} (details[].path names each field of a 422). */
export interface ApiError {
  error: { code: string; message: string; details?: { path?: string; message?: string }[] };
}

export function isApiError(value: unknown): value is ApiError {
  return typeof value === 'object' && value !== null && 'error' in value;
}

/** A 422's messages by field path (`body.customer.phone` → `customer.phone`), for the form fields to show. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!isApiError(error)) return {};
  const out: Record<string, string> = {};
  for (const d of error.error.details ?? []) {
    if (d.path && d.message) out[d.path.replace(/^body\./, '')] = d.message;
  }
  return out;
}

let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

/**
 * The session cookie (HttpOnly, set by POST /v1/sessions) authenticates every call: the browser sends it and the
 * Origin header itself. A 401 sends the user back to the sign-in page.
 */
const session: Middleware = {
  // State changes carry a JSON body, even an empty one: the API refuses a session's form-like request (CSRF).
  async onRequest({ request }) {
    if (request.method === 'GET' || request.method === 'HEAD' || request.body !== null) return request;
    const headers = new Headers(request.headers);
    headers.set('content-type', 'application/json');
    return new Request(request, { body: '{}', headers });
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !request.url.endsWith('/v1/sessions')) onUnauthorized();
    return response;
  },
};

export const fetchClient = createFetchClient<paths>({
  baseUrl: typeof window === 'undefined' ? '' : window.location.origin,
  credentials: 'same-origin',
});
fetchClient.use(session);

export const $api = createQueryClient(fetchClient);

/** Every channel an order can come from, with its label and (shops) its credential fields: fixed while the app runs. */
export function useSalesChannels() {
  return $api.useQuery('get', '/v1/sales-channels', {}, { staleTime: Infinity }).data?.items ?? [];
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { staleTime: 5_000, retry: (count, error) => !isApiError(error) && count < 2 },
  },
});

/** A state change outside the typed client (sign-in, sign-out): JSON body, same origin. */
export async function sendJson(method: 'POST' | 'DELETE', path: string, body: unknown = {}): Promise<Response> {
  return fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
