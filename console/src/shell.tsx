import { Link, Outlet, useNavigate, useRouteContext } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Choice } from './components/fields';
import { sendJson } from './api/client';
import { languages, type Language } from './i18n';
import { useLiveUpdates } from './live';
import { canSeeMoney, isOperator, meKey } from './session';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <Choice
      label={t('nav.language')}
      value={i18n.language}
      onChange={(lng) => void i18n.changeLanguage(lng as Language)}
      options={Object.entries(languages).map(([id, label]) => ({ id, label }))}
    />
  );
}

/** Navigation, language and sign-out around every signed-in page; staff see no money, keys or users. */
export function Shell() {
  const { t } = useTranslation();
  const { me } = useRouteContext({ from: '/app' });
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  useLiveUpdates(queryClient, true);

  const signOut = async (everywhere: boolean) => {
    await sendJson('DELETE', everywhere ? '/v1/sessions' : '/v1/sessions/current');
    queryClient.setQueryData(meKey, null);
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== meKey[0] });
    await navigate({ to: '/sign-in', search: {} });
  };

  const operator = isOperator(me);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <span className="brand">{t('app.title')}</span>
        <span className="who">{me.merchant?.name ?? me.user?.email}</span>
        <LanguageSwitch />
        <Button onPress={() => void signOut(false)}>{t('nav.signOut')}</Button>
        <Button className="quiet" onPress={() => void signOut(true)}>
          {t('nav.signOutEverywhere')}
        </Button>
      </header>
      <nav aria-label={t('nav.main')} className="side">
        <ul>
          {!operator && (
            <>
              <li>
                <Link to="/orders">{t('nav.orders')}</Link>
              </li>
              {canSeeMoney(me) && (
                <li>
                  <Link to="/wallet">{t('nav.wallet')}</Link>
                </li>
              )}
              <li>
                <Link to="/channels">{t('nav.channels')}</Link>
              </li>
              <li>
                <Link to="/import">{t('nav.import')}</Link>
              </li>
            </>
          )}
          {operator && (
            <>
              <li>
                <Link to="/orders">{t('nav.orders')}</Link>
              </li>
              <li>
                <Link to="/operator/merchants">{t('nav.merchants')}</Link>
              </li>
              <li>
                <Link to="/operator/finance">{t('nav.finance')}</Link>
              </li>
              <li>
                <Link to="/operator/audit">{t('nav.audit')}</Link>
              </li>
            </>
          )}
          <li>
            <Link to="/settings">{t('nav.settings')}</Link>
          </li>
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
