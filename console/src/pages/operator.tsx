import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { Button, Cell, Column, Form, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { $api, fetchClient } from '../api/client';
import type { components } from '../api/schema';
import { CopyButton, ErrorNote, TextInput } from '../components/fields';
import { useFormat } from '../format';
import type { AuditSearch } from './audit-search';

const toMinor = (text: string): number => Math.round(Number(text.replace(',', '.')) * 100);

/** Create a merchant: its API key and (with an owner e-mail) its one-time set-up link are shown once. */
export function MerchantsPage() {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [ownerEmail, setOwnerEmail] = useState('');
  const [created, setCreated] = useState<Record<string, unknown> | null>(null);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <h1>{t('operator.merchants')}</h1>
      <Form
        onSubmit={async (e) => {
          e.preventDefault();
          const body = { name, ...(ownerEmail ? { ownerEmail } : {}) } as components['schemas']['CreateMerchant'];
          const { data, error } = await fetchClient.POST('/v1/merchants', { body });
          setError(error ?? null);
          setCreated((data as Record<string, unknown> | undefined) ?? null);
        }}
      >
        <div className="actions">
          <TextInput label={t('operator.merchantName')} name="name" value={name} onChange={setName} isRequired />
          <TextInput
            label={t('operator.ownerEmail')}
            name="ownerEmail"
            type="email"
            value={ownerEmail}
            onChange={setOwnerEmail}
          />
          <Button type="submit">{t('operator.createMerchant')}</Button>
        </div>
      </Form>
      <ErrorNote error={error} />
      {created && (
        <dl className="card" role="status">
          {Object.entries(created).map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>
                <code>{String(v)}</code>{' '}
                {(k === 'apiKey' || k === 'setupLink') && <CopyButton value={String(v)} what={k} />}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </>
  );
}

function PendingTransfer({ topUp, onDone }: { topUp: components['schemas']['TopUp']; onDone: () => Promise<unknown> }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [amount, setAmount] = useState((topUp.amount / 100).toFixed(2));
  const [reference, setReference] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const path = { params: { path: { id: topUp.id } } };
  const show = (e: unknown) => {
    setError(e ?? null);
    const details = (e as { error?: { details?: { path?: string; message?: string }[] } } | undefined)?.error?.details;
    setErrors(
      Object.fromEntries((details ?? []).map((d) => [String(d.path).replace(/^body\./, ''), String(d.message)])),
    );
  };
  return (
    <section className="card" aria-label={topUp.bankTransfer?.reference ?? topUp.id}>
      <h2>
        {fmt.money(topUp.amount, topUp.currency)} · <code>{topUp.bankTransfer?.reference}</code>
      </h2>
      <p>
        {topUp.merchantId} · {fmt.dateTime(topUp.createdAt)}
      </p>
      <ErrorNote error={error} />
      <div className="actions">
        <TextInput
          label={t('operator.amountReceived')}
          name="amountReceived"
          value={amount}
          onChange={setAmount}
          error={errors.amountReceived}
        />
        <TextInput
          label={t('operator.bankReference')}
          name="bankReference"
          value={reference}
          onChange={setReference}
          error={errors.bankReference}
        />
        <Button
          onPress={async () => {
            const { error } = await fetchClient.POST('/v1/finance/top-ups/{id}/confirm', {
              ...path,
              body: { amountReceived: toMinor(amount), bankReference: reference },
            });
            show(error);
            await onDone();
          }}
        >
          {t('operator.confirm')}
        </Button>
      </div>
      <div className="actions">
        <TextInput
          label={t('operator.rejectReason')}
          name="reason"
          value={reason}
          onChange={setReason}
          error={errors.reason}
        />
        <Button
          className="danger"
          onPress={async () => {
            const { error } = await fetchClient.POST('/v1/finance/top-ups/{id}/reject', { ...path, body: { reason } });
            show(error);
            await onDone();
          }}
        >
          {t('operator.reject')}
        </Button>
      </div>
    </section>
  );
}

/** The finance desk: pending bank transfers to confirm or reject, and wallet adjustments. */
export function FinancePage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const pending = $api.useQuery('get', '/v1/finance/top-ups', {
    params: { query: { status: 'PENDING', method: 'bank_transfer' } },
  });
  const refresh = () =>
    queryClient.invalidateQueries({ predicate: (q) => String(q.queryKey[1]).startsWith('/v1/finance') });
  const [merchantId, setMerchantId] = useState('');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const fmt = useFormat();
  return (
    <>
      <h1>{t('operator.finance')}</h1>
      <h2>{t('operator.pendingTransfers')}</h2>
      <ErrorNote error={pending.error} />
      {(pending.data?.items ?? []).map((u) => (
        <PendingTransfer key={u.id} topUp={u} onDone={refresh} />
      ))}
      {pending.data?.items.length === 0 && <p>{t('order.none')}</p>}
      <h2>{t('operator.adjust')}</h2>
      <ErrorNote error={error} />
      <div className="actions">
        <TextInput label={t('operator.merchantId')} name="merchantId" value={merchantId} onChange={setMerchantId} />
        <TextInput label={t('wallet.amount')} name="amount" value={amount} onChange={setAmount} />
        <TextInput label={t('operator.reason')} name="reason" value={reason} onChange={setReason} />
        <Button
          onPress={async () => {
            const { data, error } = await fetchClient.POST('/v1/finance/adjustments', {
              body: { merchantId, amount: toMinor(amount), reason },
            });
            setError(error ?? null);
            setResult(data ? fmt.money(data.wallet.balance, data.wallet.currency) : null);
          }}
        >
          {t('common.save')}
        </Button>
      </div>
      {result && (
        <p role="status">
          {t('wallet.balance')}: {result}
        </p>
      )}
    </>
  );
}

/** Who did what with money and accounts, filtered by merchant and action (kept in the URL). */
export function AuditPage() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const search = useSearch({ from: '/app/operator/audit' });
  const navigate = useNavigate({ from: '/operator/audit' });
  const [filters, setFilters] = useState<AuditSearch>(search);
  const audit = $api.useQuery('get', '/v1/audit', { params: { query: { ...search, limit: 100 } } });
  const field = (key: keyof AuditSearch, label: string, type: 'text' | 'date' = 'text') => (
    <TextInput
      label={label}
      name={key}
      type={type}
      value={filters[key] ?? ''}
      onChange={(v) => setFilters({ ...filters, [key]: v })}
    />
  );
  return (
    <>
      <h1>{t('operator.audit')}</h1>
      <Form
        onSubmit={(e) => {
          e.preventDefault();
          void navigate({ search: Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) });
        }}
      >
        <div className="actions">
          {field('actor', t('operator.actor'))}
          {field('merchantId', t('operator.merchantId'))}
          {field('action', t('operator.action'))}
          {field('from', t('orders.from'), 'date')}
          {field('to', t('orders.to'), 'date')}
          <Button type="submit">{t('operator.filter')}</Button>
        </div>
      </Form>
      <ErrorNote error={audit.error} />
      <Table aria-label={t('operator.audit')}>
        <TableHeader>
          <Column isRowHeader>{t('wallet.date')}</Column>
          <Column>{t('operator.actor')}</Column>
          <Column>{t('operator.action')}</Column>
          <Column>{t('operator.merchantId')}</Column>
          <Column>{t('wallet.amount')}</Column>
          <Column>{t('operator.reason')}</Column>
        </TableHeader>
        <TableBody
          items={audit.data?.items ?? []}
          dependencies={[i18n.language]}
          renderEmptyState={() => t('order.none')}
        >
          {(a) => (
            <Row id={a.id}>
              <Cell>{fmt.dateTime(a.at)}</Cell>
              <Cell>{a.actor}</Cell>
              <Cell>{a.action}</Cell>
              <Cell>{a.merchantId ?? '—'}</Cell>
              <Cell>{a.amount === null ? '—' : fmt.money(a.amount, a.currency)}</Cell>
              <Cell>{a.reason ?? '—'}</Cell>
            </Row>
          )}
        </TableBody>
      </Table>
    </>
  );
}
