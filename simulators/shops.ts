import type { ShopSandbox } from './shared/shop-sandbox.js';
import { shopifySandbox } from './shopify/sandbox.js';
import { wooCommerceSandbox } from './woocommerce/sandbox.js';

/** The shop simulators, one per sales channel of the platform (channels/registry.ts), paired by `type`. */
export const shopSandboxes: readonly ShopSandbox[] = [shopifySandbox, wooCommerceSandbox];

export type { ShopSandbox } from './shared/shop-sandbox.js';
