import { checkOrderData, type DataLookups } from './order-checks.js';
import type { Customer, ShippingAddress } from './order.js';
import { isValidPhone } from './phone-validity.js';
import type { ReviewReason } from './review-reasons.js';

/**
 * LEGACY: the data checks as they ran inside the workflow for orders started before the check activity (patch
 * `data-checks-in-activity`, workflows/order/patches.ts). Such an order replays its history through this code, so
 * it must compute exactly what it computed then:
 * - libphonenumber-js is pinned to an exact version in package.json (its metadata decides `isValid()`,
 *   domain/phone-validity.ts);
 * - the rules in domain/order-checks.ts are shared with the activity: a change to them changes how these orders
 *   replay, so it needs its own `patched()` gate as long as this file exists.
 * New orders check their data in an activity, whose result is recorded in their history. Once no order started
 * before the patch runs any more, delete this file, the ESLint exception and the reason for the pin.
 */
/**
 * The library data the checks read (libphonenumber's metadata). The check activity and the API use it too, outside
 * workflow code; it lives here because this is the one module of workflow code allowed to import the library.
 */
export const libraryLookups: DataLookups = { isValidPhone };

export function checkOrderDataInWorkflow(customer: Customer, address: ShippingAddress): ReviewReason[] {
  return checkOrderData(customer, address, libraryLookups);
}
