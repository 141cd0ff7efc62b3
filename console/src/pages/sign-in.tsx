import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useRouter, useSearch } from '@tanstack/react-router';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { TextInput } from '../components/fields';
import { LanguageSwitch } from '../shell';
import { meKey } from '../session';
import { sendJson } from '../api/client';

const postJson = (path: string, body: unknown) => sendJson('POST', path, body);

/** E-mail and password; the answer never says which of the two was wrong. */
export function SignInPage() {
  const { t } = useTranslation();
  const search = useSearch({ from: '/sign-in' });
  const navigate = useNavigate();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const response = await postJson('/v1/sessions', { email, password });
      if (response.status === 429) {
        setError(t('signIn.limited', { seconds: response.headers.get('retry-after') ?? '60' }));
        return;
      }
      if (!response.ok) {
        setError(t('signIn.invalid'));
        return;
      }
      // Forget the signed-out answer: the next page asks /v1/me again.
      queryClient.removeQueries({ queryKey: meKey });
      // Back where the user was going, query string included (e.g. a filtered orders list).
      if (search.next) router.history.push(search.next);
      else await navigate({ to: '/' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <h1>{t('signIn.title')}</h1>
      <Form onSubmit={(e) => void submit(e)}>
        <TextInput
          label={t('signIn.email')}
          name="email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={setEmail}
          isRequired
        />
        <TextInput
          label={t('signIn.password')}
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          isRequired
        />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <Button type="submit" isDisabled={busy}>
          {t('signIn.submit')}
        </Button>
      </Form>
      <LanguageSwitch />
    </main>
  );
}

/** The one-time set-up link: choose a password, then you are signed in. */
export function SetupPage() {
  const { t } = useTranslation();
  const search = useSearch({ from: '/setup' });
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? search.token ?? '';
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const response = await postJson('/v1/setup', { token, password, ...(name ? { name } : {}) });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
      setError(body?.error?.message ?? t('app.error'));
      return;
    }
    // Forget the signed-out answer: the next page asks /v1/me again.
    queryClient.removeQueries({ queryKey: meKey });
    await navigate({ to: '/' });
  };

  return (
    <main className="signin">
      <h1>{t('signIn.setupTitle')}</h1>
      <Form onSubmit={(e) => void submit(e)}>
        <TextInput label={t('signIn.name')} name="name" value={name} onChange={setName} autoComplete="name" />
        <TextInput
          label={t('signIn.password')}
          name="password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          isRequired
        />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <Button type="submit">{t('signIn.setupSubmit')}</Button>
      </Form>
    </main>
  );
}
