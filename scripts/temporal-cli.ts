import { fileURLToPath } from 'node:url';
import { provisionTemporalCli } from '../dev/temporal-cli.js';

/** `npm run temporal:cli`: builds (or finds) the Temporal CLI ahead of time, e.g. in CI. Prints its path. */
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = await provisionTemporalCli({ projectRoot: root, explicitPath: process.env.TEMPORAL_CLI_PATH });
process.stdout.write(`${cli ?? 'none (the SDK will download the dev server)'}\n`);
