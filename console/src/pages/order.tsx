import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useParams, useRouteContext } from '@tanstack/react-router';
import { Button, Dialog, DialogTrigger, Form, Heading, Modal } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { $api, fieldErrors, fetchClient } from '../api/client';
import type { components } from '../api/schema';
import { Choice, ErrorNote, TextInput } from '../components/fields';
import { StatusBadge } from '../components/status';
import { useFormat } from '../format';
import { isOperator } from '../session';
import { allowedActions, type ActionName } from './order-actions';

type Order = components['schemas']['Order'];
const moving: ReadonlySet<string> = new Set(['RECEIVED', 'PROCESSING']);

/** The editable fields and the review reasons' `field` names that point at them. */
const editable = [
  ['customer', 'name'],
  ['customer', 'email'],
  ['customer', 'phone'],
  ['shippingAddress', 'line1'],
  ['shippingAddress', 'line2'],
  ['shippingAddress', 'city'],
  ['shippingAddress', 'postcode'],
  ['shippingAddress', 'region'],
  ['shippingAddress', 'country'],
] as const;
type Section = (typeof editable)[number][0];

function valuesOf(order: Order): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [section, field] of editable) out[`${section}.${field}`] = String(order[section][field as never] ?? '');
  return out;
}

/** One order: why it waits, its data (editable while it waits), the actions it allows, its money and its timeline. */
export function OrderPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { id } = useParams({ from: '/app/orders/$id' });
  const { me } = useRouteContext({ from: '/app' });
  const queryClient = useQueryClient();
  // Live events refresh it; while the platform itself is moving the order on, it also looks every second.
  const query = $api.useQuery(
    'get',
    '/v1/orders/{id}',
    { params: { path: { id } } },
    { refetchInterval: (q) => (q.state.data && moving.has(q.state.data.status) ? 1_000 : false) },
  );
  const events = $api.useQuery('get', '/v1/orders/{id}/events', { params: { path: { id } } });
  const carriers = $api.useQuery('get', '/v1/carriers');
  const [editing, setEditing] = useState<Record<string, string> | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [carrier, setCarrier] = useState('gls');
  const [cancelReason, setCancelReason] = useState('');

  const order = query.data;
  if (query.error) return <ErrorNote error={query.error} />;
  if (!order) return <p>{t('app.loading')}</p>;

  const refresh = async () => {
    await queryClient.invalidateQueries({ predicate: (q) => String(q.queryKey[1]).startsWith('/v1/orders') });
  };
  const flagged = (section: Section, field: string): string | undefined => {
    const reasons = order.reviewReasons.filter((r) => r.field === `${section}.${field}` || r.field === field);
    return reasons.length ? reasons.map((r) => t(`reason.${r.code}`)).join(', ') : undefined;
  };
  const actions = allowedActions(order);

  const run = async (action: Exclude<ActionName, 'addressFixed'>) => {
    setFailure(null);
    setNotice(null);
    const params = { params: { path: { id } } };
    const answer =
      action === 'resend'
        ? await fetchClient.POST('/v1/orders/{id}/resend', params)
        : action === 'cancel'
          ? await fetchClient.POST('/v1/orders/{id}/cancel', {
              ...params,
              body: cancelReason ? { reason: cancelReason } : {},
            })
          : action === 'paymentAccepted'
            ? await fetchClient.POST('/v1/orders/{id}/payment-accepted', params)
            : action === 'synchronize'
              ? await fetchClient.POST('/v1/orders/{id}/synchronize', { ...params, body: { shippingMethod: carrier } })
              : await fetchClient.POST('/v1/orders/{id}/mark-sent-manually', params);
    if (answer.error) setFailure(answer.error);
    const told = answer.data && 'channelCancellation' in answer.data ? answer.data.channelCancellation : null;
    if (typeof told === 'string') setNotice(t('order.shopTold', { state: told }));
    await refresh();
  };

  const save = async () => {
    if (!editing) return;
    const before = valuesOf(order);
    const patch: { customer?: Record<string, string>; shippingAddress?: Record<string, string> } = {};
    for (const [section, field] of editable) {
      const key = `${section}.${field}`;
      if (editing[key] !== before[key]) patch[section] = { ...patch[section], [field]: editing[key] ?? '' };
    }
    const { error } = await fetchClient.PATCH('/v1/orders/{id}', { params: { path: { id } }, body: patch });
    if (error) {
      setErrors(fieldErrors(error));
      setFailure(Object.keys(fieldErrors(error)).length ? null : error);
      return;
    }
    setErrors({});
    setEditing(null);
    setNotice(t('order.saved'));
    await refresh();
  };

  const field = (section: Section, name: string, label: string) => {
    const key = `${section}.${name}`;
    return editing ? (
      <TextInput
        key={key}
        label={label}
        name={key}
        value={editing[key] ?? ''}
        onChange={(v) => setEditing({ ...editing, [key]: v })}
        error={errors[key]}
        flagged={flagged(section, name)}
      />
    ) : (
      <dl key={key} className={flagged(section, name) ? 'field field-flagged' : 'field'}>
        <dt>{label}</dt>
        <dd>
          {String(order[section][name as never] ?? '') || t('order.none')}
          {flagged(section, name) && <div className="flag">{flagged(section, name)}</div>}
        </dd>
      </dl>
    );
  };

  return (
    <>
      <p>
        <Link to="/orders">{t('order.back')}</Link>
      </p>
      <h1>
        {t('orders.order')} {order.externalId} <StatusBadge status={order.status} />
      </h1>
      {order.waitingFor && (
        <section className="waiting" aria-labelledby="waiting">
          <h2 id="waiting">{t('order.waitingFor')}</h2>
          <p>{order.waitingFor}</p>
          {order.reviewReasons.length > 0 && (
            <ul aria-label={t('order.reasons')}>
              {order.reviewReasons.map((r) => (
                <li key={r.code + (r.field ?? '')}>
                  <strong>{t(`reason.${r.code}`)}</strong>: {r.message}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {notice && <p role="status">{notice}</p>}
      <ErrorNote error={failure} />

      <section aria-labelledby="actions">
        <h2 id="actions">{t('order.actions')}</h2>
        <div className="actions">
          {actions.includes('addressFixed') && !editing && (
            <Button className="quiet" onPress={() => setEditing(valuesOf(order))}>
              {t('order.edit')}
            </Button>
          )}
          {actions.includes('paymentAccepted') && (
            <Button onPress={() => void run('paymentAccepted')}>{t('action.paymentAccepted')}</Button>
          )}
          {actions.includes('synchronize') && (
            <>
              <Choice
                label={t('order.carrier')}
                value={carrier}
                onChange={setCarrier}
                options={(carriers.data?.items ?? []).map((c) => ({ id: c.code, label: c.label }))}
              />
              <Button onPress={() => void run('synchronize')}>{t('action.synchronize')}</Button>
            </>
          )}
          {actions.includes('resend') && <Button onPress={() => void run('resend')}>{t('action.resend')}</Button>}
          {actions.includes('markSentManually') && (
            <Button className="quiet" onPress={() => void run('markSentManually')}>
              {t('action.markSentManually')}
            </Button>
          )}
          {actions.includes('cancel') && (
            <DialogTrigger>
              <Button className="danger">{t('action.cancel')}</Button>
              <Modal>
                <Dialog>
                  {({ close }) => (
                    <>
                      <Heading slot="title">{t('order.cancelTitle')}</Heading>
                      <p>{t('order.cancelBody')}</p>
                      <TextInput
                        label={t('order.cancelReason')}
                        name="reason"
                        value={cancelReason}
                        onChange={setCancelReason}
                      />
                      <div className="actions">
                        <Button className="quiet" onPress={close}>
                          {t('order.keep')}
                        </Button>
                        <Button
                          className="danger"
                          onPress={() => {
                            close();
                            void run('cancel');
                          }}
                        >
                          {t('order.cancelConfirm')}
                        </Button>
                      </div>
                    </>
                  )}
                </Dialog>
              </Modal>
            </DialogTrigger>
          )}
        </div>
      </section>

      <Form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        validationErrors={errors}
      >
        <div className="cards">
          <section className="card" aria-labelledby="customer">
            <h2 id="customer">{t('order.customer')}</h2>
            <div>
              {field('customer', 'name', t('order.name'))}
              {field('customer', 'email', t('order.email'))}
              {field('customer', 'phone', t('order.phone'))}
            </div>
          </section>
          <section className="card" aria-labelledby="address">
            <h2 id="address">{t('order.address')}</h2>
            <div>
              {field('shippingAddress', 'line1', t('order.line1'))}
              {field('shippingAddress', 'line2', t('order.line2'))}
              {field('shippingAddress', 'city', t('order.city'))}
              {field('shippingAddress', 'postcode', t('order.postcode'))}
              {field('shippingAddress', 'region', t('order.region'))}
              {field('shippingAddress', 'country', t('order.country'))}
            </div>
          </section>
        </div>
        {editing && (
          <div className="actions">
            <Button type="submit">{t('order.save')}</Button>
            <Button
              className="quiet"
              onPress={() => {
                setEditing(null);
                setErrors({});
              }}
            >
              {t('order.discard')}
            </Button>
          </div>
        )}
      </Form>

      <div className="cards">
        <section className="card" aria-labelledby="costs">
          <h2 id="costs">{t('order.costs')}</h2>
          <dl>
            <dt>{t('order.paid')}</dt>
            <dd>
              {fmt.money(order.payment.amountPaid, order.payment.currency)} ({order.payment.method})
            </dd>
            {order.cost && (
              <>
                <dt>{t('order.products')}</dt>
                <dd>{fmt.money(order.cost.products, order.cost.currency)}</dd>
                <dt>{t('order.shipping')}</dt>
                <dd>{fmt.money(order.cost.shipping, order.cost.currency)}</dd>
                <dt>{t('order.taxes')}</dt>
                <dd>{fmt.money(order.cost.taxes, order.cost.currency)}</dd>
                <dt>{t('orders.total')}</dt>
                <dd>{fmt.money(order.cost.total, order.cost.currency)}</dd>
              </>
            )}
            {order.charge && (
              <>
                <dt>{t('order.charged')}</dt>
                <dd>
                  {fmt.money(order.charge.amount, order.charge.currency)}{' '}
                  {t('order.chargeSource', { source: order.charge.source, state: order.charge.state })}
                </dd>
              </>
            )}
          </dl>
        </section>
        <section className="card" aria-labelledby="shipment">
          <h2 id="shipment">{t('order.items')}</h2>
          <ul>
            {order.items.map((i) => (
              <li key={i.sku}>
                {i.quantity} × {i.sku}
              </li>
            ))}
          </ul>
          <dl>
            <dt>{t('order.supplierOrder')}</dt>
            <dd>{order.supplierOrderId ?? t('order.none')}</dd>
            <dt>{t('order.tracking')}</dt>
            <dd>
              {order.tracking ? (
                order.tracking.url ? (
                  <a href={order.tracking.url} target="_blank" rel="noreferrer">
                    {order.tracking.carrier} {order.tracking.number}
                  </a>
                ) : (
                  `${order.tracking.carrier} ${order.tracking.number}`
                )
              ) : (
                t('order.none')
              )}
            </dd>
          </dl>
          {isOperator(me) && (
            <a
              href={`${location.protocol}//${location.hostname}:8233/namespaces/default/workflows/${encodeURIComponent(order.workflowId)}`}
              target="_blank"
              rel="noreferrer"
            >
              {t('order.workflow')}
            </a>
          )}
        </section>
      </div>

      <section aria-labelledby="timeline">
        <h2 id="timeline">{t('order.timeline')}</h2>
        <ol>
          {(events.data ?? []).map((e, index) => (
            <li key={index}>
              {fmt.dateTime(e.at)} — <StatusBadge status={e.status} /> {e.type}
              {e.by ? ` (${e.by})` : ''}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
