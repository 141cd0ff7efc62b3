import { provisionTemporalServer } from '../dev/temporal-server.js';

/**
 * `npm run temporal:server`: builds (or finds) the production Temporal server, its schema tool and the Web UI
 * server ahead of time, e.g. in CI, and copies the schema files of the same release. Prints their paths.
 */
const started = Date.now();
const built = await provisionTemporalServer();
for (const [what, where] of Object.entries(built)) process.stdout.write(`${what}: ${where}\n`);
process.stdout.write(`ready in ${Math.round((Date.now() - started) / 1000)}s\n`);
