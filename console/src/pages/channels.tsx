import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Disclosure, DisclosurePanel, Heading } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { $api, fetchClient, useSalesChannels } from '../api/client';
import type { components } from '../api/schema';
import { Choice, CopyButton, ErrorNote, TextInput } from '../components/fields';
import { useFormat } from '../format';

type Channel = components['schemas']['Channel'];

function Deliveries({ id }: { id: string }) {
  const { t } = useTranslation();
  const deliveries = $api.useQuery('get', '/v1/channels/{id}/deliveries', {
    params: { path: { id }, query: { limit: 20 } },
  });
  return (
    <ul>
      {(deliveries.data?.items ?? []).map((d, i) => (
        <li key={i}>
          <pre>{JSON.stringify(d, null, 1)}</pre>
        </li>
      ))}
      {deliveries.data?.items.length === 0 && <li>{t('order.none')}</li>}
    </ul>
  );
}

function ChannelCard({ channel, onChange }: { channel: Channel; onChange: () => Promise<unknown> }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const shop = useSalesChannels().find((c) => c.type === channel.type);
  const label = shop?.label ?? channel.type;
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<unknown>(null);
  return (
    <section className="card" aria-label={`${label} ${channel.shopUrl}`}>
      <h2>
        {label} · {channel.shopUrl}
      </h2>
      <p>{t('channels.steps')}</p>
      {shop?.webhook && (
        <p>
          {t('channels.topics')}: <code>{shop.webhook.topics.join(', ')}</code>
        </p>
      )}
      <p>
        {t('channels.webhookUrl')}: <code>{channel.webhookUrl}</code>{' '}
        <CopyButton value={channel.webhookUrl} what={t('channels.webhookUrl')} />
      </p>
      <p>{fmt.dateTime(channel.createdAt)}</p>
      <ErrorNote error={error} />
      <div className="actions">
        <TextInput label={t('channels.newSecret')} name="secret" type="password" value={secret} onChange={setSecret} />
        <Button
          onPress={async () => {
            const { error } = await fetchClient.PUT('/v1/channels/{id}/webhook-secret', {
              params: { path: { id: channel.id } },
              body: { webhookSecret: secret },
            });
            setError(error ?? null);
            if (!error) setSecret('');
            await onChange();
          }}
        >
          {t('channels.rotate')}
        </Button>
        <Button
          className="danger"
          onPress={async () => {
            await fetchClient.DELETE('/v1/channels/{id}', { params: { path: { id: channel.id } } });
            await onChange();
          }}
        >
          {t('channels.disconnect')}
        </Button>
      </div>
      <Disclosure>
        <Heading>
          <Button slot="trigger" className="quiet">
            {t('channels.deliveries')}
          </Button>
        </Heading>
        <DisclosurePanel>
          <Deliveries id={channel.id} />
        </DisclosurePanel>
      </Disclosure>
    </section>
  );
}

/** Shop connections: connect, the webhook URL to paste into the shop, rotate the secret, what arrived. */
export function ChannelsPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const list = $api.useQuery('get', '/v1/channels');
  // The shops a merchant can connect, and what each asks for, come from the API (GET /v1/sales-channels).
  const shops = useSalesChannels().filter((c) => c.kind === 'shop');
  const [chosen, setType] = useState<string | null>(null);
  const shop = shops.find((c) => c.type === chosen) ?? shops[0];
  const [form, setForm] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const refresh = () =>
    queryClient.invalidateQueries({ predicate: (q) => String(q.queryKey[1]).startsWith('/v1/channels') });
  const value = (k: string) => form[k] ?? '';
  const set = (k: string) => (v: string) => setForm({ ...form, [k]: v });

  const connect = async () => {
    if (!shop) return;
    // One body per shop in the contract (a union by `type`); its credential fields are the ones the directory named.
    const body = {
      type: shop.type,
      shopUrl: value('shopUrl'),
      webhookSecret: value('webhookSecret'),
      ...Object.fromEntries(shop.credentials.map((f) => [f.name, value(f.name)])),
    } as components['schemas']['CreateChannel'];
    const { error } = await fetchClient.POST('/v1/channels', { body });
    if (error) {
      const details = (error as { error?: { details?: { path?: string; message?: string }[] } }).error?.details ?? [];
      setErrors(Object.fromEntries(details.map((d) => [String(d.path).replace(/^body\./, ''), String(d.message)])));
      setError(details.length ? null : error);
      return;
    }
    setForm({});
    setErrors({});
    setError(null);
    await refresh();
  };

  return (
    <>
      <h1>{t('channels.title')}</h1>
      {list.data?.items.length === 0 && <p>{t('channels.none')}</p>}
      {(list.data?.items ?? []).map((c) => (
        <ChannelCard key={c.id} channel={c} onChange={refresh} />
      ))}
      <h2>{t('channels.connect')}</h2>
      <ErrorNote error={error} />
      <div className="filters">
        <Choice
          label={t('channels.type')}
          value={shop?.type ?? ''}
          onChange={setType}
          options={shops.map((c) => ({ id: c.type, label: c.label }))}
        />
        <TextInput
          label={t('channels.shopUrl')}
          name="shopUrl"
          type="url"
          value={value('shopUrl')}
          onChange={set('shopUrl')}
          error={errors.shopUrl}
        />
        <TextInput
          label={t('channels.secret')}
          name="webhookSecret"
          type="password"
          value={value('webhookSecret')}
          onChange={set('webhookSecret')}
          error={errors.webhookSecret}
        />
        {shop?.credentials.map((f) => (
          <TextInput
            key={`${shop.type}.${f.name}`}
            label={f.label}
            name={f.name}
            type="password"
            value={value(f.name)}
            onChange={set(f.name)}
            error={errors[f.name]}
          />
        ))}
        <Button onPress={() => void connect()}>{t('channels.connect')}</Button>
      </div>
    </>
  );
}
