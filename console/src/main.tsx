import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { I18nProvider } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { queryClient, whenUnauthorized } from './api/client';
import { setUpI18n } from './i18n';
import { localeOf } from './format';
import { makeRouter } from './router';
import { meKey } from './session';
import './styles.css';

setUpI18n();
const router = makeRouter(queryClient);

// A session that ended (expired, signed out elsewhere) sends the user to the sign-in page, then back.
whenUnauthorized(() => {
  if (router.state.location.pathname === '/sign-in') return;
  queryClient.setQueryData(meKey, null);
  void router.navigate({ to: '/sign-in', search: { next: router.state.location.href } });
});

/** React Aria's own strings (date pickers, table announcements) follow the chosen language. */
function App() {
  const { i18n } = useTranslation();
  return (
    <I18nProvider locale={localeOf(i18n.language)}>
      <RouterProvider router={router} />
    </I18nProvider>
  );
}

const element = document.getElementById('root');
if (element)
  createRoot(element).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
