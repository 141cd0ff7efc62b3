import { useState } from 'react';
import { keepPreviousData } from '@tanstack/react-query';
import { useNavigate, useSearch, Link } from '@tanstack/react-router';
import {
  Button,
  Cell,
  Checkbox,
  Column,
  Row,
  SearchField,
  Input,
  Label,
  Tab,
  Table,
  TableBody,
  TableHeader,
  TabList,
  TabPanel,
  Tabs,
  type Selection,
} from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { $api, useSalesChannels } from '../api/client';
import { Choice, TextInput } from '../components/fields';
import { orderStatuses, reasonCodes, StatusBadge, type OrderStatus, type ReasonCode } from '../components/status';
import { useFormat } from '../format';
import type { OrdersSearch } from './orders-search';
import { runBulk, type BulkResult } from './orders-bulk';

const PAGE = 50;
const sorts = ['-createdAt', 'createdAt', '-total', 'total'] as const;
type Sort = (typeof sorts)[number];

function SelectBox({ slot }: { slot?: string }) {
  return (
    <Checkbox slot={slot ?? 'selection'}>
      <span className="box" aria-hidden="true">
        <svg width="10" height="10" viewBox="0 0 10 10">
          <path d="M1 5l3 3 5-6" fill="none" stroke="currentColor" strokeWidth="2" />
        </svg>
      </span>
    </Checkbox>
  );
}

/** Orders by status tab, filtered and searched through the URL, a page at a time, with bulk actions. */
export function OrdersPage() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const channels = useSalesChannels();
  const search = useSearch({ from: '/app/orders' });
  const navigate = useNavigate({ from: '/orders' });
  const [selected, setSelected] = useState<Selection>(new Set());
  const [previous, setPrevious] = useState<(string | undefined)[]>([]);
  const [results, setResults] = useState<BulkResult[] | null>(null);
  const [externalIds, setExternalIds] = useState<Record<string, string>>({});
  const [text, setText] = useState(search.q ?? '');

  const setFilter = (patch: Partial<OrdersSearch>) => {
    setSelected(new Set());
    setPrevious([]);
    void navigate({ search: (s: OrdersSearch) => ({ ...s, ...patch, cursor: undefined }) });
  };

  const status = orderStatuses.includes(search.status as OrderStatus) ? (search.status as OrderStatus) : undefined;
  const reason = reasonCodes.includes(search.reason as ReasonCode) ? (search.reason as ReasonCode) : undefined;
  const sort = sorts.includes(search.sort as Sort) ? (search.sort as Sort) : undefined;
  // The filters every tab shares: the counts answer all tabs at once for them.
  const shared = {
    ...(reason ? { reason } : {}),
    ...(search.channel ? { channel: search.channel } : {}),
    ...(search.q ? { q: search.q } : {}),
    ...(search.from ? { from: search.from } : {}),
    ...(search.to ? { to: search.to } : {}),
  };
  const list = $api.useQuery(
    'get',
    '/v1/orders',
    {
      params: {
        query: {
          limit: PAGE,
          ...shared,
          ...(status ? { status } : {}),
          ...(sort ? { sort } : {}),
          ...(search.cursor ? { cursor: search.cursor } : {}),
        },
      },
    },
    { placeholderData: keepPreviousData },
  );
  const counts = $api.useQuery('get', '/v1/orders/counts', { params: { query: shared } });
  const items = list.data?.items ?? [];
  const exportUrl = `/v1/orders/export?${new URLSearchParams({ ...shared, ...(status ? { status } : {}) }).toString()}`;
  const selectedIds = selected === 'all' ? items.map((o) => o.id) : [...selected].map(String);

  const bulk = async (action: 'resend' | 'cancel') => {
    setExternalIds(Object.fromEntries(items.map((o) => [o.id, o.externalId])));
    setResults(await runBulk(action, selectedIds));
    setSelected(new Set());
    await list.refetch();
  };

  const table = (
    <>
      {selectedIds.length > 0 && (
        <div className="actions" role="group" aria-label={t('orders.selected', { count: selectedIds.length })}>
          <span>{t('orders.selected', { count: selectedIds.length })}</span>
          <Button onPress={() => void bulk('resend')}>{t('orders.bulkResend')}</Button>
          <Button className="danger" onPress={() => void bulk('cancel')}>
            {t('orders.bulkCancel')}
          </Button>
        </div>
      )}
      {results && (
        <section aria-labelledby="bulk-results">
          <h2 id="bulk-results">{t('orders.bulkResult')}</h2>
          <ul>
            {results.map((r) => (
              <li key={r.id}>
                {externalIds[r.id] ?? r.id}: {r.ok ? t('orders.bulkOk') : r.error}
              </li>
            ))}
          </ul>
        </section>
      )}
      <Table
        aria-label={t('orders.list')}
        selectionMode="multiple"
        selectedKeys={selected}
        onSelectionChange={setSelected}
        onRowAction={(key) => void navigate({ to: '/orders/$id', params: { id: String(key) } })}
      >
        <TableHeader>
          <Column>
            <SelectBox />
          </Column>
          <Column isRowHeader>{t('orders.order')}</Column>
          <Column>{t('orders.customer')}</Column>
          <Column>{t('orders.channel')}</Column>
          <Column>{t('orders.status')}</Column>
          <Column>{t('orders.total')}</Column>
          <Column>{t('orders.created')}</Column>
        </TableHeader>
        <TableBody
          items={items}
          dependencies={[i18n.language]}
          renderEmptyState={() => (list.isLoading ? t('app.loading') : t('orders.empty'))}
        >
          {(o) => (
            <Row id={o.id} textValue={o.externalId}>
              <Cell>
                <SelectBox />
              </Cell>
              <Cell>
                <Link to="/orders/$id" params={{ id: o.id }}>
                  {o.externalId}
                </Link>
              </Cell>
              <Cell>{o.customer.name}</Cell>
              <Cell>{o.channel}</Cell>
              <Cell>
                <StatusBadge status={o.status} />
                {o.reviewReasons.length > 0 && (
                  <div className="flag">{o.reviewReasons.map((r) => t(`reason.${r.code}`)).join(', ')}</div>
                )}
              </Cell>
              <Cell>{fmt.money(o.cost?.total ?? o.payment.amountPaid, o.cost?.currency ?? o.payment.currency)}</Cell>
              <Cell>{fmt.dateTime(o.createdAt)}</Cell>
            </Row>
          )}
        </TableBody>
      </Table>
      <div className="pager">
        <Button
          className="quiet"
          isDisabled={!search.cursor}
          onPress={() => {
            const back = previous.slice(0, -1);
            const cursor = previous[previous.length - 1];
            setPrevious(back);
            void navigate({ search: (s: OrdersSearch) => ({ ...s, cursor }) });
          }}
        >
          {t('orders.previous')}
        </Button>
        <Button
          className="quiet"
          isDisabled={!list.data?.nextCursor}
          onPress={() => {
            setPrevious([...previous, search.cursor]);
            void navigate({ search: (s: OrdersSearch) => ({ ...s, cursor: list.data?.nextCursor ?? undefined }) });
          }}
        >
          {t('orders.next')}
        </Button>
      </div>
    </>
  );

  const tabs = ['all', ...orderStatuses] as const;
  return (
    <>
      <h1>{t('orders.title')}</h1>
      <div className="filters">
        <SearchField
          className="field"
          value={text}
          onChange={setText}
          onSubmit={(q) => setFilter({ q: q || undefined })}
          onClear={() => setFilter({ q: undefined })}
        >
          <Label>{t('orders.search')}</Label>
          <Input placeholder={t('orders.searchHint')} />
        </SearchField>
        <Choice
          label={t('orders.channel')}
          value={search.channel ?? ''}
          onChange={(v) => setFilter({ channel: v || undefined })}
          options={[{ id: '', label: t('orders.any') }, ...channels.map((c) => ({ id: c.type, label: c.label }))]}
        />
        <Choice
          label={t('orders.reason')}
          value={reason ?? ''}
          onChange={(v) => setFilter({ reason: v || undefined })}
          options={[
            { id: '', label: t('orders.any') },
            ...reasonCodes.map((c) => ({
              id: c,
              label: `${t(`reason.${c}`)}${counts.data?.byReason[c] ? ` (${counts.data.byReason[c]})` : ''}`,
            })),
          ]}
        />
        <TextInput
          label={t('orders.from')}
          name="from"
          type="date"
          value={search.from ?? ''}
          onChange={(v) => setFilter({ from: v || undefined })}
        />
        <TextInput
          label={t('orders.to')}
          name="to"
          type="date"
          value={search.to ?? ''}
          onChange={(v) => setFilter({ to: v || undefined })}
        />
        <Choice
          label={t('orders.sort')}
          value={sort ?? '-createdAt'}
          onChange={(v) => setFilter({ sort: v === '-createdAt' ? undefined : v })}
          options={sorts.map((id) => ({ id, label: t(`orders.sorts.${id}`) }))}
        />
        <a className="button-link" href={exportUrl} download>
          {t('orders.export')}
        </a>
      </div>
      <Tabs
        selectedKey={status ?? 'all'}
        onSelectionChange={(key) => setFilter({ status: key === 'all' ? undefined : String(key) })}
      >
        <TabList aria-label={t('orders.tabs')}>
          {tabs.map((s) => (
            <Tab key={s} id={s}>
              {s === 'all' ? t('orders.all') : t(`status.${s}`)}{' '}
              <span className="count">
                {s === 'all' ? (counts.data?.total ?? '…') : (counts.data?.byStatus[s] ?? 0)}
              </span>
            </Tab>
          ))}
        </TabList>
        {/* Every panel exists (each tab points at one); only the selected one holds the list. */}
        {tabs.map((s) => (
          <TabPanel key={s} id={s} shouldForceMount>
            {(status ?? 'all') === s ? table : null}
          </TabPanel>
        ))}
      </Tabs>
    </>
  );
}
