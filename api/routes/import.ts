import express, { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/pool.js';
import { checkOrderData } from '../../domain/order-checks.js';
import { libraryLookups } from '../../domain/order-checks-legacy.js';
import { merchantOf } from '../auth.js';
import { HttpError } from '../errors.js';
import { assertSafeStrings } from '../hygiene.js';
import { detectFormat, ImportFileError, parseImport, type ImportFormat } from '../import/index.js';
import type { OrderService } from '../order-service.js';
import { parseBody } from '../validation.js';
import type { Spec } from '../openapi-spec.js';

export const ImportBody = z
  .object({
    format: z.enum(['amazon', 'ebay']).optional().meta({ description: 'Detected from the content when absent' }),
    // The body limit (IMPORT_LIMIT) is the real bound; this one keeps every request string bounded in the schema too.
    content: z
      .string()
      .min(1)
      .max(50_000_000)
      .meta({ description: "The file's text: Amazon's tab-separated order report or an eBay Seller Hub CSV export" }),
  })
  .strict()
  .meta({ id: 'ImportOrders' });

export const ImportRow = z
  .object({
    row: z.number().int(),
    externalId: z.string().nullable(),
    outcome: z.enum(['created', 'already_present', 'rejected']),
    orderId: z.string().nullable(),
    reason: z.string().nullable(),
    reviewReasons: z
      .array(z.string())
      .meta({ description: 'What the order will wait in review for, when created with data problems' }),
  })
  .meta({ id: 'ImportRow' });

export const ImportResult = z
  .object({
    format: z.enum(['amazon', 'ebay']),
    summary: z.object({ created: z.number().int(), alreadyPresent: z.number().int(), rejected: z.number().int() }),
    rows: z.array(ImportRow),
  })
  .meta({ id: 'ImportResult' });

type Row = z.infer<typeof ImportRow>;

/**
 * Bulk import for channels without a connector. Each order in the file is created idempotently (the order id
 * comes from the channel's order id), so uploading the same report twice creates nothing new.
 * Accepts JSON `{format?, content}` or the file itself as text/tab-separated-values or text/csv.
 */
export function importRoutes(
  _db: Db,
  orders: OrderService,
  opts: { operatorKey: string | undefined; limit: string },
): Router {
  const router = Router();
  // Authenticated (and rate limited) by the app before any body is read: api/app.ts.
  router.post(
    '/v1/orders/import',
    express.json({ limit: opts.limit }),
    // Browsers send .csv files as text/csv or application/vnd.ms-excel.
    express.text({ type: ['text/*', 'application/csv', 'application/vnd.ms-excel'], limit: opts.limit }),
    async (req, res) => {
      const merchantId = merchantOf(req);
      let format: ImportFormat | undefined;
      let content: string;
      // A file's text may be long, but never hold a NUL or broken Unicode: no line of it could be stored.
      assertSafeStrings(req.body, typeof req.body === 'string' ? ['body'] : [], Number.MAX_SAFE_INTEGER);
      if (typeof req.body === 'string') {
        content = req.body;
        const q = z.enum(['amazon', 'ebay']).optional().safeParse(req.query.format);
        if (!q.success)
          throw new HttpError(422, 'VALIDATION_FAILED', 'query.format: amazon or ebay', [
            { path: 'query.format', message: 'amazon or ebay' },
          ]);
        format = q.data;
      } else {
        const body = parseBody(ImportBody, req);
        content = body.content;
        format = body.format;
      }
      const detected = format ?? detectFormat(content, req.get('content-type'));
      if (!detected)
        throw new HttpError(
          422,
          'UNKNOWN_FORMAT',
          'Not an Amazon order report nor an eBay orders export; give format explicitly',
        );

      let parsed;
      try {
        parsed = parseImport(detected, content);
      } catch (error) {
        if (error instanceof ImportFileError) throw new HttpError(422, 'UNUSABLE_FILE', error.message);
        throw error;
      }

      const rows: Row[] = [];
      for (const r of parsed.rejected) {
        rows.push({
          row: r.row,
          externalId: r.externalId,
          outcome: 'rejected',
          orderId: null,
          reason: r.reason,
          reviewReasons: [],
        });
      }
      for (const d of parsed.duplicates) {
        rows.push({
          row: d.row,
          externalId: d.externalId,
          outcome: 'already_present',
          orderId: null,
          reason: `Same line as row ${d.sameAsRow}`,
          reviewReasons: [],
        });
      }
      for (const o of parsed.orders) {
        const result = await orders.createOrder(merchantId, o.order);
        const reviewReasons = checkOrderData(o.order.customer, o.order.shippingAddress, libraryLookups).map(
          (r) => r.code,
        );
        for (const row of o.rows) {
          rows.push({
            row,
            externalId: o.externalId,
            outcome: result.created ? 'created' : 'already_present',
            orderId: result.order.id,
            reason: result.created ? null : 'This order was imported before',
            reviewReasons,
          });
        }
      }
      for (const r of rows) {
        if (r.outcome === 'already_present' && r.orderId === null) {
          r.orderId = rows.find((x) => x.externalId === r.externalId && x.orderId)?.orderId ?? null;
        }
      }
      rows.sort((a, b) => a.row - b.row);
      const count = (o: Row['outcome']): number => rows.filter((r) => r.outcome === o).length;
      res.status(200).json({
        format: detected,
        summary: { created: count('created'), alreadyPresent: count('already_present'), rejected: count('rejected') },
        rows,
      });
    },
  );
  return router;
}

/** The rows of /openapi.json these routes serve. */
export const importSpecs: Spec[] = [
  {
    method: 'post',
    path: '/v1/orders/import',
    summary: 'Import orders from an Amazon order report (TSV) or an eBay orders export (CSV); one outcome per line',
    body: ImportBody,
    ok: [200, ImportResult, 'Per line: created, already present, or rejected with the reason'],
    errors: [400, 401, 403, 413, 422],
  },
];
