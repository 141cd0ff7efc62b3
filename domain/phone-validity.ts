// With domain/order-checks-legacy.ts, the one module of workflow code allowed to read library data (eslint.config.js).
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * Whether a phone number is valid for its country, by libphonenumber's metadata (pinned to an exact version in
 * package.json). A module of its own, free of state and of zod, so that workers load the metadata once and share it
 * between workflows (worker/workflow-bundle.ts) instead of evaluating it in every cached order.
 */
export const isValidPhone = (phone: string, country: string): boolean =>
  parsePhoneNumberFromString(phone, country as CountryCode)?.isValid() === true;
