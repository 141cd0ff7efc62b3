import { z } from 'zod';

/**
 * zod, loaded once per worker and shared by its workflows (worker/workflow-bundle.ts preloads this module) instead
 * of evaluated again in each cached workflow, where its classes were the largest part of an open order's memory
 * (docs/capacity.md). zod completes its global configuration (default locale, memoizer) on the first schema it
 * builds: one is built here, before the SDK freezes what workers share. Frozen, zod's own regexes cannot serve a
 * workflow's schema (a check resets its pattern's lastIndex): hence the copied e-mail pattern in domain/order-checks.ts.
 */
z.object({ warm: z.string() }).safeParse({ warm: '' });
