import type { components } from '../api/schema';

type Order = components['schemas']['Order'];

/** The registry's action names (camelCase) whatever spelling the API answers (`payment-accepted`). */
export type ActionName = 'resend' | 'cancel' | 'paymentAccepted' | 'synchronize' | 'markSentManually' | 'addressFixed';
const known: readonly ActionName[] = [
  'resend',
  'cancel',
  'paymentAccepted',
  'synchronize',
  'markSentManually',
  'addressFixed',
];

export function actionName(raw: string): ActionName | null {
  const camel = raw.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  const name = camel === 'update' ? 'addressFixed' : camel;
  return (known as readonly string[]).includes(name) ? (name as ActionName) : null;
}

/** What the order allows right now, as the API answers it (`allowedActions`); older answers: by status. */
export function allowedActions(order: Order): ActionName[] {
  const answered = (order as Order & { allowedActions?: string[] }).allowedActions;
  if (answered) return answered.map(actionName).filter((a): a is ActionName => a !== null);
  switch (order.status) {
    case 'PENDING_REVIEW':
      return ['addressFixed', 'resend', 'markSentManually', 'cancel'];
    case 'AWAITING_PAYMENT':
      return ['paymentAccepted', 'cancel'];
    case 'AWAITING_SHIPPING_METHOD':
      return ['synchronize', 'cancel'];
    default:
      return [];
  }
}
