import { queryOptions, useQuery } from '@tanstack/react-query';

/** Who is signed in (GET /v1/me): the user and their merchant, or null when no session. */
export interface Me {
  user: {
    id: string;
    email: string;
    name: string | null;
    role: 'owner' | 'staff' | 'operator';
    merchantId: string | null;
  } | null;
  merchant: { id: string; name: string } | null;
}

export const meKey = ['me'] as const;

export const meQuery = queryOptions({
  queryKey: meKey,
  queryFn: async (): Promise<Me | null> => {
    const response = await fetch('/v1/me', { credentials: 'same-origin' });
    if (response.status === 401) return null;
    if (!response.ok) throw new Error(`GET /v1/me: ${response.status}`);
    return (await response.json()) as Me;
  },
  staleTime: 60_000,
});

export function useMe() {
  return useQuery(meQuery);
}

export function canSeeMoney(me: Me | null | undefined): boolean {
  return me?.user?.role === 'owner';
}

export function isOperator(me: Me | null | undefined): boolean {
  return me?.user?.role === 'operator';
}
