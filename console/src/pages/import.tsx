import { useState } from 'react';
import { Button, FileTrigger } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { fetchClient } from '../api/client';
import type { components } from '../api/schema';
import { ErrorNote } from '../components/fields';

/** Upload an Amazon order report or an eBay export; each line's outcome. */
export function ImportPage() {
  const { t } = useTranslation();
  const [result, setResult] = useState<components['schemas']['ImportResult'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState<string | null>(null);

  const upload = async (file: File) => {
    setName(file.name);
    setError(null);
    const { data, error } = await fetchClient.POST('/v1/orders/import', { body: { content: await file.text() } });
    setResult(data ?? null);
    setError(error ?? null);
  };

  return (
    <>
      <h1>{t('import.title')}</h1>
      <FileTrigger
        acceptedFileTypes={['.txt', '.tsv', '.csv', 'text/plain', 'text/csv']}
        onSelect={(files) => files?.[0] && void upload(files[0])}
      >
        <Button>{t('import.file')}</Button>
      </FileTrigger>
      {name && <p>{name}</p>}
      <ErrorNote error={error} />
      {result && (
        <>
          <p role="status">
            {t('import.summary', {
              created: result.summary.created,
              already: result.summary.alreadyPresent,
              rejected: result.summary.rejected,
            })}
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('import.row')}</th>
                <th scope="col">{t('orders.order')}</th>
                <th scope="col">{t('import.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((r) => (
                <tr key={r.row}>
                  <td>{r.row}</td>
                  <td>{r.externalId ?? '—'}</td>
                  <td>
                    {r.outcome}
                    {r.reason ? `: ${r.reason}` : ''}
                    {r.reviewReasons.length > 0 ? ` (${r.reviewReasons.join(', ')})` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
