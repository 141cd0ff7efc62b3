/** Shop orders are kept as the JSON Shopify sends, so the simulator can echo any field a test overrides. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys that would reach Object.prototype when assigned; JSON bodies can carry them. */
const unsafeKeys = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Overrides win; objects merge key by key, while arrays and null replace what was there. So `{shipping_address:
 * null}` removes the address and `{line_items: [...]}` replaces the whole list instead of patching items by index.
 */
export function deepMerge(base: JsonObject, overrides: JsonObject): JsonObject {
  const merged: JsonObject = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (unsafeKeys.has(key)) continue;
    const current = merged[key];
    merged[key] = isJsonObject(value) && isJsonObject(current) ? deepMerge(current, value) : structuredClone(value);
  }
  return merged;
}

/** Shopify's timestamp form: seconds precision with an explicit offset. */
export function shopTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
