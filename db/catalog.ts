import { inTransaction, toInt, type Db } from './pool.js';

export interface CatalogProduct {
  sku: string;
  name: string;
  price: number;
  currency: string;
  stock: number;
}

/** Replaces the stored catalogue with what the supplier reports now. */
export async function storeCatalog(db: Db, products: CatalogProduct[], syncedAt: Date): Promise<number> {
  return inTransaction(db, async (client) => {
    for (const p of products) {
      await client.query(
        `INSERT INTO catalog_products (sku, name, price, currency, stock, synced_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (sku) DO UPDATE SET name = $2, price = $3, currency = $4, stock = $5, synced_at = $6`,
        [p.sku, p.name, p.price, p.currency, p.stock, syncedAt],
      );
    }
    await client.query('DELETE FROM catalog_products WHERE synced_at < $1', [syncedAt]);
    await client.query(
      `INSERT INTO catalog_sync (id, synced_at, products) VALUES (true, $1, $2)
       ON CONFLICT (id) DO UPDATE SET synced_at = EXCLUDED.synced_at, products = EXCLUDED.products`,
      [syncedAt, products.length],
    );
    return products.length;
  });
}

export async function listCatalog(
  db: Db,
  page: { limit: number; after?: string; sku?: string },
): Promise<{ items: (CatalogProduct & { syncedAt: string })[]; nextCursor: string | null }> {
  const { rows } = await db.query(
    `SELECT sku, name, price, currency, stock, synced_at FROM catalog_products
     WHERE ($1::text IS NULL OR sku = $1) AND ($2::text IS NULL OR sku > $2)
     ORDER BY sku ASC LIMIT $3`,
    [page.sku ?? null, page.after ?? null, page.limit + 1],
  );
  const items = rows.slice(0, page.limit).map((r) => ({
    sku: String(r.sku),
    name: String(r.name),
    price: toInt(r.price),
    currency: String(r.currency).trim(),
    stock: toInt(r.stock),
    syncedAt: new Date(r.synced_at).toISOString(),
  }));
  return { items, nextCursor: rows.length > page.limit ? (items[items.length - 1]?.sku ?? null) : null };
}

/** When the catalogue was last copied from the supplier; null before the first copy. */
export async function lastCatalogSync(db: Db): Promise<{ syncedAt: string; products: number } | null> {
  const { rows } = await db.query('SELECT synced_at, products FROM catalog_sync');
  const r = rows[0];
  return r ? { syncedAt: new Date(r.synced_at).toISOString(), products: toInt(r.products) } : null;
}
