/**
 * A value built on first use and kept. Workflow code builds its zod schemas this way: the SDK evaluates our modules
 * again for every workflow a worker caches, so a schema built when a module loads is paid by every open order,
 * while one built on first use is paid only by the orders that receive a message (docs/capacity.md).
 */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
