import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useRouteContext } from '@tanstack/react-router';
import { Button, Cell, Column, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { $api, fetchClient } from '../api/client';
import { CopyButton, ErrorNote, TextInput } from '../components/fields';
import { useFormat } from '../format';
import { canSeeMoney } from '../session';
import { LanguageSwitch } from '../shell';
import { UsersSection } from './users';

/** API keys: created keys are shown once; the list shows them masked; revoke. */
function ApiKeys() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const queryClient = useQueryClient();
  const keys = $api.useQuery('get', '/v1/api-keys');
  const [label, setLabel] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refresh = () => queryClient.invalidateQueries({ predicate: (q) => q.queryKey[1] === '/v1/api-keys' });
  return (
    <section aria-labelledby="keys">
      <h2 id="keys">{t('settings.apiKeys')}</h2>
      <ErrorNote error={error ?? keys.error} />
      <div className="actions">
        <TextInput label={t('settings.label')} name="label" value={label} onChange={setLabel} />
        <Button
          onPress={async () => {
            const { data, error } = await fetchClient.POST('/v1/api-keys', { body: label ? { label } : {} });
            setError(error ?? null);
            setCreated(data?.apiKey ?? null);
            setLabel('');
            await refresh();
          }}
        >
          {t('settings.createKey')}
        </Button>
      </div>
      {created && (
        <p role="status">
          {t('settings.shownOnce')} <code>{created}</code> <CopyButton value={created} what="API key" />
        </p>
      )}
      <Table aria-labelledby="keys">
        <TableHeader>
          <Column isRowHeader>{t('settings.label')}</Column>
          <Column>Key</Column>
          <Column>{t('orders.created')}</Column>
          <Column>{t('settings.revoke')}</Column>
        </TableHeader>
        <TableBody
          items={keys.data?.items ?? []}
          dependencies={[i18n.language]}
          renderEmptyState={() => t('order.none')}
        >
          {(k) => (
            <Row id={k.id}>
              <Cell>{k.label}</Cell>
              <Cell>
                <code>{k.display}</code>
              </Cell>
              <Cell>{fmt.dateTime(k.createdAt)}</Cell>
              <Cell>
                {k.revokedAt ? (
                  fmt.dateTime(k.revokedAt)
                ) : (
                  <Button
                    className="danger"
                    aria-label={`${t('settings.revoke')} ${k.label}`}
                    onPress={async () => {
                      await fetchClient.DELETE('/v1/api-keys/{id}', { params: { path: { id: k.id } } });
                      await refresh();
                    }}
                  >
                    {t('settings.revoke')}
                  </Button>
                )}
              </Cell>
            </Row>
          )}
        </TableBody>
      </Table>
    </section>
  );
}

/** Language for everyone; keys and users for owners (staff cannot see them). */
export function SettingsPage() {
  const { t } = useTranslation();
  const { me } = useRouteContext({ from: '/app' });
  const owner = canSeeMoney(me);
  return (
    <>
      <h1>{t('settings.title')}</h1>
      <section aria-labelledby="language">
        <h2 id="language">{t('settings.language')}</h2>
        <LanguageSwitch />
      </section>
      {owner && <ApiKeys />}
      {(owner || me.user?.role === 'operator') && <UsersSection />}
    </>
  );
}
