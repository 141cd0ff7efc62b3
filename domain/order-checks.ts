import { z } from 'zod';
import { once } from './lazy.js';
import type { Customer, ShippingAddress } from './order.js';
import { checkPostcode } from './postcodes.js';
import type { ReviewReason } from './review-reasons.js';

/** The supplier rejects a shipping address longer than this ("It should have 70 characters or less"). */
export const SUPPLIER_ADDRESS_MAX = 70;

/** The single address line the supplier receives: its API has one `address` field. */
export function supplierAddressLine(address: Pick<ShippingAddress, 'line1' | 'line2'>): string {
  const line2 = address.line2.trim();
  return line2 ? `${address.line1.trim()} ${line2}` : address.line1.trim();
}

// zod's default e-mail pattern, copied: workers share zod frozen between workflows (workflows/shared-libraries.ts),
// and a check writes its pattern's lastIndex. Built on first use: workflow code loads this module (domain/lazy.ts).
const email = once(() => z.email({ pattern: new RegExp(z.regexes.email) }));

/** What the checks read from libraries whose data changes between releases: given by the caller (not workflow code). */
export interface DataLookups {
  /** Whether the number is a valid phone number of the country (libphonenumber's metadata). */
  isValidPhone(phone: string, country: string): boolean;
}

/**
 * Every problem with the customer data at once, so the merchant fixes everything in one edit. Runs in the check
 * activity (its result is recorded in the order's history, so a library upgrade never changes a running order)
 * and in the API; orders started before that activity existed use domain/order-checks-legacy.ts.
 */
export function checkOrderData(customer: Customer, address: ShippingAddress, lookups: DataLookups): ReviewReason[] {
  const reasons: ReviewReason[] = [];
  const missing = (field: string, what: string): void => {
    reasons.push({ code: 'INVALID_ADDRESS', field, message: `${what} is missing` });
  };

  if (!customer.name.trim()) missing('customer.name', "The customer's name");
  if (!address.line1.trim()) missing('shippingAddress.line1', 'The street address');
  if (!address.city.trim()) missing('shippingAddress.city', 'The city');
  if (!address.postcode.trim()) missing('shippingAddress.postcode', 'The postcode');

  const line1 = address.line1.trim();
  const combined = supplierAddressLine(address);
  if (line1.length > SUPPLIER_ADDRESS_MAX) {
    reasons.push({
      code: 'ADDRESS_TOO_LONG',
      field: 'shippingAddress.line1',
      message: `The address line is ${line1.length} characters; the supplier accepts ${SUPPLIER_ADDRESS_MAX} or fewer`,
    });
  } else if (combined.length > SUPPLIER_ADDRESS_MAX) {
    reasons.push({
      code: 'ADDRESS_TOO_LONG',
      field: 'shippingAddress.line2',
      message: `Address lines 1 and 2 together are ${combined.length} characters; the supplier accepts ${SUPPLIER_ADDRESS_MAX} or fewer`,
    });
  }

  if (address.postcode.trim()) {
    const postcode = checkPostcode(address.country, address.postcode);
    if (!postcode.ok) {
      reasons.push({
        code: 'INVALID_POSTCODE',
        field: 'shippingAddress.postcode',
        message: `"${address.postcode}" is not a valid ${address.country} postcode (example: ${postcode.example})`,
      });
    }
  }

  const phone = customer.phone.trim();
  if (!phone) {
    reasons.push({
      code: 'INVALID_PHONE',
      field: 'customer.phone',
      message: "The customer's phone is missing; the carrier needs it",
    });
  } else {
    if (!lookups.isValidPhone(phone, address.country)) {
      reasons.push({
        code: 'INVALID_PHONE',
        field: 'customer.phone',
        message: `"${phone}" is not a valid phone number for ${address.country}`,
      });
    }
  }

  const mail = customer.email.trim();
  if (!mail) {
    reasons.push({ code: 'INVALID_EMAIL', field: 'customer.email', message: "The customer's e-mail is missing" });
  } else if (!email().safeParse(mail).success) {
    reasons.push({
      code: 'INVALID_EMAIL',
      field: 'customer.email',
      message: `"${mail}" is not a valid e-mail address`,
    });
  }

  return reasons;
}
