import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { sendJson } from '../api/client';
import { CopyButton, ErrorNote, TextInput } from '../components/fields';

interface User {
  id: string;
  email: string;
  name: string | null;
  role: string;
}

/** Invite staff (owners) or operator users (operators) with a one-time set-up link; remove them. */
export function UsersSection() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const users = useQuery({
    queryKey: ['users', '/v1/users'],
    queryFn: async () => {
      const response = await fetch('/v1/users', { credentials: 'same-origin' });
      if (!response.ok) throw await response.json();
      return (await response.json()) as { items: User[] };
    },
  });
  const [email, setEmail] = useState('');
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['users'] });
  return (
    <section aria-labelledby="users">
      <h2 id="users">{t('settings.users')}</h2>
      <ErrorNote error={error ?? users.error} />
      <ul>
        {(users.data?.items ?? []).map((u) => (
          <li key={u.id}>
            {u.email} ({u.role}){' '}
            {u.role !== 'owner' && (
              <Button
                className="quiet"
                aria-label={`${t('settings.remove')} ${u.email}`}
                onPress={async () => {
                  await sendJson('DELETE', `/v1/users/${encodeURIComponent(u.id)}`);
                  await refresh();
                }}
              >
                {t('settings.remove')}
              </Button>
            )}
          </li>
        ))}
      </ul>
      <div className="actions">
        <TextInput label={t('signIn.email')} name="invite" type="email" value={email} onChange={setEmail} />
        <Button
          onPress={async () => {
            const response = await sendJson('POST', '/v1/users', { email, role: 'staff' });
            const body = (await response.json()) as { setupLink?: string };
            if (!response.ok) return setError(body);
            setError(null);
            setLink(body.setupLink ?? null);
            setEmail('');
            await refresh();
          }}
        >
          {t('settings.invite')}
        </Button>
      </div>
      {link && (
        <p role="status">
          {t('settings.setupLink')}: <code>{link}</code> <CopyButton value={link} what={t('settings.setupLink')} />
        </p>
      )}
    </section>
  );
}
