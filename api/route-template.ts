import type { Request } from 'express';

/**
 * The route a request matched, as its template (`/v1/orders/:id`), never the raw path: metric labels and span
 * names must not grow with every order id. Known only once routing ran, so read it when the response finishes.
 */
export function routeTemplate(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route === 'string') return `${req.baseUrl}${route}`;
  return 'unmatched';
}
