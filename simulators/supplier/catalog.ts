/**
 * What the simulated wholesaler sells and where it ships: products, carriers, shipping zones and the
 * postcode formats it enforces (ER004). Prices are kept as EUR decimals exactly as BigBuy publishes them.
 */

export interface SimProduct {
  id: number;
  sku: string;
  name: string;
  description: string;
  /** Price the merchant pays, EUR decimal (17.00). */
  wholesalePrice: number;
  /** Recommended retail price, EUR decimal. */
  retailPrice: number;
  stock: number;
  minHandlingDays: number;
  maxHandlingDays: number;
}

export const seededCatalog: SimProduct[] = [
  product(
    1001,
    'Stainless steel insulated bottle 750 ml',
    'Double-wall vacuum bottle that keeps drinks cold for 24 h.',
    8.45,
    19.99,
    320,
  ),
  product(
    1002,
    'Wireless earbuds with charging case',
    'Bluetooth 5.3 earbuds, 30 h total battery, USB-C case.',
    17.0,
    39.9,
    150,
  ),
  product(
    1003,
    'LED desk lamp with wireless charger',
    'Dimmable lamp, three colour temperatures, Qi pad in the base.',
    21.35,
    49.95,
    80,
  ),
  product(1004, 'Bamboo cutting board set (3 pieces)', 'Three sizes, juice groove, hanging holes.', 11.2, 27.5, 240),
  product(1005, 'Robot vacuum cleaner slim', 'Slim robot vacuum with app control; currently sold out.', 89.9, 199.0, 0),
  product(1006, 'Yoga mat TPE 6 mm', 'Non-slip, two-tone, carrying strap included.', 9.8, 24.9, 410),
  product(1007, 'Electric milk frother', 'Hot and cold foam, 240 ml jug, auto shut-off.', 14.6, 34.99, 95),
  product(1008, 'Smart plug Wi-Fi (2 pack)', 'Energy monitoring, works with voice assistants.', 12.75, 29.99, 500),
  product(1009, 'Kids smartwatch with GPS', 'Calls, SOS button and location tracking for children.', 27.4, 59.9, 60),
  product(1010, 'Aromatherapy diffuser 300 ml', 'Ultrasonic diffuser with seven-colour light.', 10.15, 25.0, 180),
  product(1011, 'Mechanical keyboard compact 68 keys', 'Hot-swappable red switches, RGB backlight.', 32.5, 69.9, 70),
  product(1012, 'Portable blender USB-C', '380 ml personal blender, six blades, rechargeable.', 13.9, 32.9, 220),
];

function product(
  n: number,
  name: string,
  description: string,
  wholesalePrice: number,
  retailPrice: number,
  stock: number,
): SimProduct {
  return {
    id: 40000 + n,
    sku: `BB-${n}`,
    name,
    description,
    wholesalePrice,
    retailPrice,
    stock,
    minHandlingDays: 1,
    maxHandlingDays: 3,
  };
}

export type Zone = 'domestic' | 'eu_near' | 'eu' | 'europe_other';

/** Shipping from the warehouse in Spain: Portugal and France are the cheap neighbours, then the rest of the EU. */
const zoneByCountry: Record<string, Zone> = {
  ES: 'domestic',
  PT: 'eu_near',
  FR: 'eu_near',
  ...Object.fromEntries(
    [
      'AT',
      'BE',
      'BG',
      'CY',
      'CZ',
      'DE',
      'DK',
      'EE',
      'FI',
      'GR',
      'HR',
      'HU',
      'IE',
      'IT',
      'LT',
      'LU',
      'LV',
      'MT',
      'NL',
      'PL',
      'RO',
      'SE',
      'SI',
      'SK',
    ].map((c) => [c, 'eu' as Zone]),
  ),
  GB: 'europe_other',
  CH: 'europe_other',
  NO: 'europe_other',
};

export function zoneOf(country: string): Zone | undefined {
  return zoneByCountry[country.toUpperCase()];
}

export interface SimCarrier {
  id: string;
  /** Lower-case name used in requests. */
  code: string;
  /** Name shown in tracking answers. */
  displayName: string;
  /** Flat rate per order in cents by zone; a missing zone is not served. */
  rates: Partial<Record<Zone, number>>;
  trackingUrl: (trackingNumber: string) => string;
}

export const carriers: SimCarrier[] = [
  {
    id: '1',
    code: 'correos',
    displayName: 'Correos',
    rates: { domestic: 490, eu_near: 950, eu: 1490 },
    trackingUrl: (n) =>
      `https://www.correos.es/es/es/herramientas/localizador/envios/detalle?tracking-number=${encodeURIComponent(n)}`,
  },
  {
    id: '2',
    code: 'gls',
    displayName: 'GLS',
    rates: { domestic: 590, eu_near: 890, eu: 1190, europe_other: 1990 },
    trackingUrl: (n) => `https://gls-group.com/track/${encodeURIComponent(n)}`,
  },
  {
    id: '3',
    code: 'dhl',
    displayName: 'DHL',
    rates: { domestic: 750, eu_near: 1050, eu: 1250, europe_other: 1850 },
    trackingUrl: (n) => `https://www.dhl.com/es-en/home/tracking.html?tracking-id=${encodeURIComponent(n)}`,
  },
  {
    id: '4',
    code: 'ups',
    displayName: 'UPS',
    rates: { domestic: 890, eu_near: 1290, eu: 1390, europe_other: 2190 },
    trackingUrl: (n) => `https://www.ups.com/track?tracknum=${encodeURIComponent(n)}`,
  },
];

export function findCarrier(name: string): SimCarrier | undefined {
  const code = name.trim().toLowerCase();
  return carriers.find((c) => c.code === code);
}

interface PostcodeRule {
  pattern: RegExp;
  example: string;
}

/** The supplier validates postcodes of the countries it ships to most; others pass unchecked. */
const postcodeRules: Record<string, PostcodeRule> = {
  ES: { pattern: /^(0[1-9]|[1-4]\d|5[0-2])\d{3}$/, example: '28001' },
  PT: { pattern: /^\d{4}-\d{3}$/, example: '1000-001' },
  FR: { pattern: /^\d{5}$/, example: '75001' },
  IT: { pattern: /^\d{5}$/, example: '00184' },
  DE: { pattern: /^\d{5}$/, example: '10115' },
  NL: { pattern: /^\d{4} ?[A-Za-z]{2}$/, example: '1012 AB' },
  BE: { pattern: /^\d{4}$/, example: '1000' },
  AT: { pattern: /^\d{4}$/, example: '1010' },
  PL: { pattern: /^\d{2}-\d{3}$/, example: '00-001' },
  GB: { pattern: /^[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}$/, example: 'SW1A 1AA' },
  CH: { pattern: /^\d{4}$/, example: '8001' },
  NO: { pattern: /^\d{4}$/, example: '0150' },
};

/** Returns the example to show when the postcode does not fit the country's format, else null. */
export function postcodeProblem(country: string, postcode: string): string | null {
  const rule = postcodeRules[country.toUpperCase()];
  if (!rule) return null;
  return rule.pattern.test(postcode.trim()) ? null : rule.example;
}
