import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
} from '@tanstack/react-router';
import type { QueryClient } from '@tanstack/react-query';
import { Shell } from './shell';
import { meQuery } from './session';
import { parseOrdersSearch } from './pages/orders-search';
import { auditFilters, type AuditSearch } from './pages/audit-search';

interface Context {
  queryClient: QueryClient;
}

const root = createRootRouteWithContext<Context>()();

const signIn = createRoute({
  getParentRoute: () => root,
  path: '/sign-in',
  validateSearch: (s: Record<string, unknown>): { next?: string } =>
    typeof s.next === 'string' && s.next.startsWith('/') ? { next: s.next } : {},
  component: lazyRouteComponent(() => import('./pages/sign-in'), 'SignInPage'),
});

const setup = createRoute({
  getParentRoute: () => root,
  path: '/setup',
  // The link carries its token in the fragment (`/setup#token=…`), which never reaches a server log.
  validateSearch: (s: Record<string, unknown>): { token?: string } =>
    typeof s.token === 'string' ? { token: s.token } : {},
  component: lazyRouteComponent(() => import('./pages/sign-in'), 'SetupPage'),
});

/** Every page but sign-in: signed in, inside the shell. */
const app = createRoute({
  getParentRoute: () => root,
  id: 'app',
  beforeLoad: async ({ context, location }) => {
    const me = await context.queryClient.ensureQueryData(meQuery);
    if (!me) throw redirect({ to: '/sign-in', search: { next: location.href } });
    return { me };
  },
  component: Shell,
});

const index = createRoute({
  getParentRoute: () => app,
  path: '/',
  beforeLoad: ({ context }) => {
    throw redirect({ to: context.me.user?.role === 'operator' ? '/operator/finance' : '/orders' });
  },
});

const orders = createRoute({
  getParentRoute: () => app,
  path: '/orders',
  validateSearch: parseOrdersSearch,
  component: lazyRouteComponent(() => import('./pages/orders'), 'OrdersPage'),
});

const order = createRoute({
  getParentRoute: () => app,
  path: '/orders/$id',
  component: lazyRouteComponent(() => import('./pages/order'), 'OrderPage'),
});

const wallet = createRoute({
  getParentRoute: () => app,
  path: '/wallet',
  component: lazyRouteComponent(() => import('./pages/wallet'), 'WalletPage'),
});

const channels = createRoute({
  getParentRoute: () => app,
  path: '/channels',
  component: lazyRouteComponent(() => import('./pages/channels'), 'ChannelsPage'),
});

const importPage = createRoute({
  getParentRoute: () => app,
  path: '/import',
  component: lazyRouteComponent(() => import('./pages/import'), 'ImportPage'),
});

const settings = createRoute({
  getParentRoute: () => app,
  path: '/settings',
  component: lazyRouteComponent(() => import('./pages/settings'), 'SettingsPage'),
});

const merchants = createRoute({
  getParentRoute: () => app,
  path: '/operator/merchants',
  component: lazyRouteComponent(() => import('./pages/operator'), 'MerchantsPage'),
});

const finance = createRoute({
  getParentRoute: () => app,
  path: '/operator/finance',
  component: lazyRouteComponent(() => import('./pages/operator'), 'FinancePage'),
});

const audit = createRoute({
  getParentRoute: () => app,
  path: '/operator/audit',
  validateSearch: (s: Record<string, unknown>): AuditSearch =>
    Object.fromEntries(
      auditFilters.flatMap((k) => (typeof s[k] === 'string' && s[k] ? [[k, String(s[k]).slice(0, 64)]] : [])),
    ),
  component: lazyRouteComponent(() => import('./pages/operator'), 'AuditPage'),
});

const routeTree = root.addChildren([
  signIn,
  setup,
  app.addChildren([index, orders, order, wallet, channels, importPage, settings, merchants, finance, audit]),
]);

export function makeRouter(queryClient: QueryClient) {
  return createRouter({ routeTree, context: { queryClient }, defaultPreload: 'intent', scrollRestoration: true });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof makeRouter>;
  }
}
