import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Cell,
  Column,
  Radio,
  RadioGroup,
  Label,
  Row,
  Switch,
  Table,
  TableBody,
  TableHeader,
} from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { $api, fetchClient } from '../api/client';
import type { components } from '../api/schema';
import { CopyButton, ErrorNote, TextInput } from '../components/fields';
import { useFormat } from '../format';

type TopUp = components['schemas']['TopUp'];

/** Bank details with copy buttons: the RF reference is what the finance desk matches the transfer by. */
function BankDetails({ topUp }: { topUp: TopUp }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const bank = topUp.bankTransfer;
  if (!bank) return null;
  const rows: [string, string][] = [
    [t('wallet.iban'), bank.iban],
    [t('wallet.bic'), bank.bic],
    [t('wallet.beneficiary'), bank.beneficiary],
    [t('wallet.reference'), bank.reference],
  ];
  return (
    <div className="card" aria-label={t('wallet.bankTransfer')} role="group">
      <p>
        {fmt.money(topUp.amount, topUp.currency)} · {t('wallet.expires', { date: fmt.date(bank.expiresAt) })}
      </p>
      <dl>
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>
              <code>{value}</code> <CopyButton value={value} what={label} />
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** Balance, what is reserved for orders, what is available; the movements; top-ups; the linked PayPal account. */
export function WalletPage() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const queryClient = useQueryClient();
  const wallet = $api.useQuery('get', '/v1/wallet');
  const transactions = $api.useQuery('get', '/v1/wallet/transactions', { params: { query: { limit: 50 } } });
  const topUps = $api.useQuery('get', '/v1/wallet/top-ups', { params: { query: { limit: 20 } } });
  const settings = $api.useQuery('get', '/v1/settings');
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<'bank_transfer' | 'paypal'>('bank_transfer');
  const [error, setError] = useState<unknown>(null);
  const [amountError, setAmountError] = useState<string | undefined>();

  const refresh = () =>
    queryClient.invalidateQueries({
      predicate: (q) => ['/v1/wallet', '/v1/settings'].some((p) => String(q.queryKey[1]).startsWith(p)),
    });
  const currency = wallet.data?.currency ?? 'EUR';

  const topUp = async () => {
    setError(null);
    setAmountError(undefined);
    const minor = Math.round(Number(amount.replace(',', '.')) * 100);
    if (!Number.isFinite(minor) || minor <= 0) {
      setAmountError(t('app.error'));
      return;
    }
    const { error } = await fetchClient.POST('/v1/wallet/top-ups', { body: { method, amount: minor, currency } });
    if (error) setError(error);
    else setAmount('');
    await refresh();
  };

  const linkPayPal = async () => {
    const { data, error } = await fetchClient.POST('/v1/settings/paypal/link', {});
    if (error) return setError(error);
    // PayPal's approval page (the sandbox's when running locally) sends the browser back to the platform.
    window.location.assign(data.approveUrl);
  };

  const paypal = settings.data?.paypal;
  const pending = (topUps.data?.items ?? []).filter((u) => u.status === 'PENDING');
  return (
    <>
      <h1>{t('wallet.title')}</h1>
      <ErrorNote error={error ?? wallet.error} />
      <dl className="cards">
        {(['balance', 'reserved', 'available'] as const).map((k) => (
          <div className="card" key={k}>
            <dt>{t(`wallet.${k}`)}</dt>
            <dd className="big" data-testid={`wallet-${k}`}>
              {fmt.money(wallet.data?.[k], currency)}
            </dd>
          </div>
        ))}
      </dl>

      <h2>{t('wallet.topUp')}</h2>
      <div className="actions">
        <TextInput
          label={`${t('wallet.amount')} (${currency})`}
          name="amount"
          value={amount}
          onChange={setAmount}
          error={amountError}
        />
        <RadioGroup
          value={method}
          onChange={(v) => setMethod(v as typeof method)}
          orientation="horizontal"
          className="field"
        >
          <Label>{t('wallet.method')}</Label>
          <Radio value="bank_transfer">{t('wallet.bankTransfer')}</Radio>
          <Radio value="paypal" isDisabled={!paypal?.linked}>
            {t('wallet.paypal')}
          </Radio>
        </RadioGroup>
        <Button onPress={() => void topUp()}>{t('wallet.start')}</Button>
      </div>
      {pending.length > 0 && (
        <section aria-labelledby="pending">
          <h2 id="pending">{t('wallet.pending')}</h2>
          {pending.map((u) =>
            u.bankTransfer ? (
              <BankDetails key={u.id} topUp={u} />
            ) : (
              <p key={u.id}>
                {fmt.money(u.amount, u.currency)} · {u.method}
              </p>
            ),
          )}
        </section>
      )}

      <h2>{t('wallet.paypalAccount')}</h2>
      <p>{paypal?.linked ? t('wallet.linked', { email: paypal.account?.payerEmail ?? '' }) : t('wallet.notLinked')}</p>
      <div className="actions">
        {paypal?.linked ? (
          <Button
            className="quiet"
            onPress={async () => {
              await fetchClient.DELETE('/v1/settings/paypal/link', {});
              await refresh();
            }}
          >
            {t('wallet.unlink')}
          </Button>
        ) : (
          <Button onPress={() => void linkPayPal()}>{t('wallet.link')}</Button>
        )}
        {paypal?.linked && (
          <Switch
            isSelected={paypal.enabled}
            onChange={async (enabled) => {
              await fetchClient.PUT('/v1/settings/paypal', { body: { enabled } });
              await refresh();
            }}
          >
            {t('wallet.useWhenShort')}
          </Switch>
        )}
      </div>

      <h2 id="transactions">{t('wallet.transactions')}</h2>
      <Table aria-labelledby="transactions">
        <TableHeader>
          <Column isRowHeader>{t('wallet.date')}</Column>
          <Column>{t('wallet.kind')}</Column>
          <Column>{t('wallet.amount')}</Column>
        </TableHeader>
        <TableBody
          items={transactions.data?.items ?? []}
          dependencies={[i18n.language]}
          renderEmptyState={() => t('order.none')}
        >
          {(x) => (
            <Row id={x.id}>
              <Cell>{fmt.dateTime(x.createdAt)}</Cell>
              <Cell>{t(`wallet.kinds.${x.kind}`)}</Cell>
              <Cell>{fmt.money(x.balanceDelta, x.currency)}</Cell>
            </Row>
          )}
        </TableBody>
      </Table>

      <h2 id="topups">{t('wallet.topUps')}</h2>
      <Table aria-labelledby="topups">
        <TableHeader>
          <Column isRowHeader>{t('wallet.date')}</Column>
          <Column>{t('wallet.method')}</Column>
          <Column>{t('wallet.amount')}</Column>
          <Column>{t('orders.status')}</Column>
        </TableHeader>
        <TableBody
          items={topUps.data?.items ?? []}
          dependencies={[i18n.language]}
          renderEmptyState={() => t('order.none')}
        >
          {(u) => (
            <Row id={u.id}>
              <Cell>{fmt.dateTime(u.createdAt)}</Cell>
              <Cell>{u.method === 'paypal' ? t('wallet.paypal') : t('wallet.bankTransfer')}</Cell>
              <Cell>{fmt.money(u.credited?.amount ?? u.amount, u.currency)}</Cell>
              <Cell>{u.status}</Cell>
            </Row>
          )}
        </TableBody>
      </Table>
    </>
  );
}
