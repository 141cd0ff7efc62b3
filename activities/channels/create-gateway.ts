import type { Logger } from 'pino';
import type { Db } from '../../db/pool.js';
import type { Env } from '../../infra/config.js';
import type { ChannelGateway } from './gateway.js';

export interface ChannelGatewayDeps {
  db: Db;
  env: Env;
  logger: Logger;
}

/** Orders entered by hand or imported have no shop to tell: the merchant is told to do it on the channel. */
export function createChannelGateway(_deps: ChannelGatewayDeps): ChannelGateway {
  const noConnection = async () => ({ ok: false, message: 'The order has no shop connection' });
  return { notifyShipped: noConnection, cancel: noConnection };
}
