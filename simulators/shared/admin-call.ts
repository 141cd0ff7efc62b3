/**
 * One JSON call to a simulator's `/_admin` surface; a non-2xx answer is an error naming the simulator. An empty
 * answer (204 of a reset or a delete) resolves to undefined.
 */
export async function adminCall<T>(
  baseUrl: string,
  simulator: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/_admin${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${simulator} simulator admin ${method} ${path}: HTTP ${res.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}
