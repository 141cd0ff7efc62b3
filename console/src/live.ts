import { useEffect } from 'react';
import type { QueryClient } from '@tanstack/react-query';

/**
 * Live updates: the API's server-sent events name what changed (ids only); the pages' queries refetch what they
 * show. EventSource reconnects by itself and sends Last-Event-ID; a `resync` event means "refetch everything".
 */
export function useLiveUpdates(queryClient: QueryClient, enabled: boolean): void {
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource('/v1/events', { withCredentials: true });
    const invalidate = (prefixes: string[]) => () => {
      void queryClient.invalidateQueries({
        predicate: (q) => {
          const path = (q.queryKey as unknown[])[1];
          return typeof path === 'string' && prefixes.some((p) => path.startsWith(p));
        },
      });
    };
    source.addEventListener('order', invalidate(['/v1/orders']));
    source.addEventListener('top-up', invalidate(['/v1/wallet', '/v1/finance']));
    source.addEventListener('wallet', invalidate(['/v1/wallet', '/v1/finance']));
    source.addEventListener('resync', () => void queryClient.invalidateQueries());
    return () => source.close();
  }, [queryClient, enabled]);
}
