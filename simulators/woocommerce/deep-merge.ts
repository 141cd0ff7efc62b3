export type JsonObject = { [key: string]: unknown };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Overrides applied to a fixture: objects merge key by key, anything else (arrays included) replaces, so
 * `{ line_items: [...] }` swaps the whole list and `{ shipping: { address_1: '' } }` blanks one field.
 */
export function deepMerge(base: JsonObject, overrides: JsonObject): JsonObject {
  const merged: JsonObject = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    // JSON.parse makes `__proto__` an own key; assigning it would swap the prototype instead of adding a field.
    if (key === '__proto__') continue;
    const current = merged[key];
    merged[key] = isJsonObject(current) && isJsonObject(value) ? deepMerge(current, value) : structuredClone(value);
  }
  return merged;
}
