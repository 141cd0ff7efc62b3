import { type Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { Counter, Registry } from 'prom-client';
import type { Charge } from '../domain/order.js';

/**
 * The worker's business counters, read off activity outcomes by an interceptor: the activities stay free of
 * metrics code, and every attempt (a retried one too) is counted where it ran. The SDK's own worker metrics
 * (task latencies, schedule-to-start, sticky cache) come from its Prometheus exporter; app/metrics-server.ts
 * serves both on one port.
 */
export const workerRegistry = new Registry();

const walletMovements = new Counter({
  name: 'dropship_wallet_movements_total',
  help: 'Wallet ledger movements written by this process, by kind',
  labelNames: ['kind'] as const,
  registers: [workerRegistry],
});
const supplierCalls = new Counter({
  name: 'dropship_supplier_calls_total',
  help: 'Supplier API operations by activity and outcome (ok, refused: a business refusal, error: failed and retried)',
  labelNames: ['activity', 'outcome'] as const,
  registers: [workerRegistry],
});
const paypalCharges = new Counter({
  name: 'dropship_paypal_charges_total',
  help: 'PayPal charges by outcome (charged, declined, not_enabled, error)',
  labelNames: ['outcome'] as const,
  registers: [workerRegistry],
});
const activityResults = new Counter({
  name: 'dropship_activity_executions_total',
  help: 'Activity attempts by activity type and result (completed, failed)',
  labelNames: ['activity', 'result'] as const,
  registers: [workerRegistry],
});

const supplierActivities = new Set(['quoteOrder', 'submitOrder', 'probeOrder', 'pollTracking', 'syncCatalog']);

type Outcome = { ok: true; value: unknown } | { ok: false };

function record(activity: string, input: unknown, outcome: Outcome): void {
  const value = (outcome.ok ? outcome.value : null) as Record<string, unknown> | null;
  if (supplierActivities.has(activity)) {
    const refused =
      value &&
      (value.ok === false ||
        (activity === 'probeOrder' &&
          value.ready === false &&
          Array.isArray(value.reasons) &&
          value.reasons.length > 0));
    supplierCalls.inc({ activity, outcome: !outcome.ok ? 'error' : refused ? 'refused' : 'ok' });
  }
  if (activity === 'chargePayPal') paypalCharges.inc({ outcome: outcome.ok ? String(value?.outcome) : 'error' });
  if (!outcome.ok) return;
  if (activity === 'holdWalletFunds' && value?.held === true) walletMovements.inc({ kind: 'hold' });
  if (activity === 'captureWalletHold') walletMovements.inc({ kind: 'capture' });
  if (activity === 'creditTopUp') walletMovements.inc({ kind: 'top_up' });
  if (activity === 'returnCharge') {
    const charge = (input as { charge?: Charge } | undefined)?.charge;
    walletMovements.inc({ kind: charge?.source === 'wallet' ? 'release' : 'paypal_refund' });
  }
}

export class ActivityMetricsInterceptor implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const activity = this.ctx.info.activityType;
    try {
      const value = await next(input);
      activityResults.inc({ activity, result: 'completed' });
      record(activity, input.args[0], { ok: true, value });
      return value;
    } catch (error) {
      activityResults.inc({ activity, result: 'failed' });
      record(activity, input.args[0], { ok: false });
      throw error;
    }
  }
}
