import { z } from 'zod';
import type { FormErrorNode } from './wire.js';

/**
 * The order form BigBuy accepts on check.json and create.json, and the translation of zod issues into the
 * Symfony error tree BigBuy answers with, worded the way Symfony words its constraints.
 */

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullish();

const ShippingAddress = z.strictObject({
  firstName: text(50),
  lastName: text(50),
  country: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/),
  postcode: text(12),
  town: text(50),
  address: text(70),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[\d\s().-]{6,20}$/),
  email: z.email(),
  comment: optionalText(250),
  companyName: optionalText(50),
  vatNumber: optionalText(20),
});

const OrderForm = z.strictObject({
  internalReference: text(100),
  language: z
    .string()
    .trim()
    .regex(/^[a-z]{2}$/i),
  paymentMethod: text(30),
  carriers: z.array(z.strictObject({ name: text(30) })).min(1),
  shippingAddress: ShippingAddress,
  products: z.array(z.strictObject({ reference: text(50), quantity: z.number().int().min(1).max(10_000) })).min(1),
  cashOnDelivery: z.number().min(0).nullish(),
});

const OrderRequest = z.strictObject({ order: OrderForm });

export type OrderRequest = z.infer<typeof OrderForm>;

export type ParsedOrder = { ok: true; order: OrderRequest } | { ok: false; errors: FormErrorNode };

export function parseOrderRequest(body: unknown): ParsedOrder {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: { errors: ['This form should not be empty.'] } };
  }
  const result = OrderRequest.safeParse(body);
  if (result.success) return { ok: true, order: result.data.order };
  const root: FormErrorNode = {};
  for (const issue of result.error.issues) {
    // The form is the `order` object itself, so its fields are the tree's top-level children.
    const path = issue.path[0] === 'order' ? issue.path.slice(1) : issue.path;
    const value = valueAt(body, issue.path);
    addError(root, path.map(String), symfonyMessage(issue, value));
  }
  return { ok: false, errors: root };
}

function symfonyMessage(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined || value === null) return 'This value should not be blank.';
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'string'
        ? `This value is too long. It should have ${String(issue.maximum)} characters or less.`
        : `This value should be less than or equal to ${String(issue.maximum)}.`;
    case 'too_small':
      if (issue.origin === 'string') return 'This value should not be blank.';
      if (issue.origin === 'array') return 'This collection should contain 1 element or more.';
      return `This value should be greater than or equal to ${String(issue.minimum)}.`;
    case 'invalid_format':
      return issue.format === 'email' ? 'This value is not a valid email address.' : 'This value is not valid.';
    case 'unrecognized_keys':
      return 'This form should not contain extra fields.';
    default:
      return 'This value is not valid.';
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function addError(root: FormErrorNode, path: string[], message: string): void {
  let node = root;
  for (const key of path) {
    node.children ??= {};
    node = node.children[key] ??= {};
  }
  (node.errors ??= []).push(message);
}
