import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { consoleApiTypes, typesPath } from '../../scripts/console-api-types.js';

describe("the console's API types", () => {
  it('are generated from the current OpenAPI document (run npm run console:api-types after an API change)', async () => {
    expect(readFileSync(typesPath, 'utf8')).toBe(await consoleApiTypes());
  });
});
