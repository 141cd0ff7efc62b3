import type { Logger } from 'pino';
import type { Db } from '../../db/pool.js';
import type { SecretBox } from '../../db/secret-box.js';
import type { PayPalClient } from '../paypal/client.js';

/** What a top-up method's activities may use: the database, the partner clients, the secrets box. */
export interface TopUpMethodDeps {
  db: Db;
  paypal: PayPalClient;
  box: SecretBox | null;
  logger: Logger;
}
