import { describe, expect, it } from 'vitest';
import {
  creditorReference,
  formatReference,
  isPlatformReference,
  isValidCreditorReference,
  normalizeReference,
} from '../../domain/payment-reference.js';

describe('payment references (ISO 11649 creditor references)', () => {
  it("computes the standard's own example", () => {
    expect(creditorReference('539007547034')).toBe('RF18539007547034');
    expect(formatReference('RF18539007547034')).toBe('RF18 5390 0754 7034');
  });

  it('accepts a reference however people type it: spaces, lower case', () => {
    expect(isValidCreditorReference('rf18 5390 0754 7034')).toBe(true);
    expect(normalizeReference(' rf18 5390\t0754 7034 ')).toBe('RF18539007547034');
  });

  it("catches every single mistyped character and every swap of two neighbours in one of the platform's references", () => {
    const reference = creditorReference('4096817253340718');
    expect(isPlatformReference(reference)).toBe(true);
    for (let i = 0; i < reference.length; i++) {
      for (const c of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
        if (c === reference[i]) continue;
        const typo = `${reference.slice(0, i)}${c}${reference.slice(i + 1)}`;
        expect(isPlatformReference(typo), typo).toBe(false);
      }
    }
    for (let i = 4; i < reference.length - 1; i++) {
      if (reference[i] === reference[i + 1]) continue;
      const swapped = `${reference.slice(0, i)}${reference[i + 1]}${reference[i]}${reference.slice(i + 2)}`;
      expect(isPlatformReference(swapped), swapped).toBe(false);
    }
  });

  it('refuses what is not a creditor reference at all', () => {
    expect(isValidCreditorReference('')).toBe(false);
    expect(isValidCreditorReference('RF1')).toBe(false);
    expect(isValidCreditorReference('XX18539007547034')).toBe(false);
    expect(isPlatformReference('RF18539007547034')).toBe(false); // valid, but not one of ours (12 digits)
    expect(() => creditorReference('has spaces')).toThrow(RangeError);
  });
});
