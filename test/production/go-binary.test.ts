import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedBinaryPath, provisionGoBinary, type GoBinarySpec } from '../../dev/go-binary.js';

/** dev/go-binary.ts without a long build: the cache hit, and a failing `go install` explaining itself. */
describe('provisionGoBinary', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'go-binary-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('returns a cached binary without running go', async () => {
    const spec: GoBinarySpec = {
      name: 'tool',
      module: 'example.invalid/none/cmd/tool',
      version: '1.0.0',
      binary: 'tool',
    };
    const cached = cachedBinaryPath(root, spec);
    expect(cached).toBe(path.join(root, '.cache', 'tool', 'tool-1.0.0'));
    mkdirSync(path.dirname(cached), { recursive: true });
    writeFileSync(cached, '#!/bin/sh\n');
    chmodSync(cached, 0o755);
    await expect(provisionGoBinary(spec, { projectRoot: root, progress: () => undefined })).resolves.toBe(cached);
  });

  it("fails with the tail of go's output and leaves nothing behind", async () => {
    // A real module at a version that does not exist: the module proxy answers at once.
    const spec: GoBinarySpec = {
      name: 'missing',
      module: 'go.temporal.io/server/cmd/server',
      version: '0.0.0-no-such-version',
      binary: 'server',
    };
    const lines: string[] = [];
    const error = await provisionGoBinary(spec, { projectRoot: root, progress: (l) => lines.push(l) }).catch(
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /go install go\.temporal\.io\/server\/cmd\/server@v0\.0\.0-no-such-version failed \(exit 1\)/,
    );
    expect((error as Error).message).toMatch(/no-such-version/);
    expect(lines[0]).toContain('building go.temporal.io/server/cmd/server@v0.0.0-no-such-version');
    // The private GOBIN was removed: no half-built binary, no stray build directory.
    expect(readdirSync(path.join(root, '.cache', 'missing'))).toEqual([]);
  });
});
