/**
 * WooCommerce's REST dates carry no offset: `date_*` is the shop's local time and `date_*_gmt` the same instant
 * in UTC. The simulated shop is in Spain/Italy time, so the two differ as they do for the merchants we serve.
 */
export const shopTimeZone = 'Europe/Madrid';

const localFormat = new Intl.DateTimeFormat('sv-SE', {
  timeZone: shopTimeZone,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export interface WooDate {
  local: string;
  gmt: string;
}

export function wooDate(at: Date): WooDate {
  return { local: localFormat.format(at).replace(' ', 'T'), gmt: at.toISOString().slice(0, 19) };
}
