import type { ActivityOptions } from '@temporalio/workflow';
import type { TopUpTimings } from '../../domain/top-up.js';

/** Business outcomes come back as values; what is thrown is transient and retried until it works. */
export function topUpActivityOptions(timings: TopUpTimings): ActivityOptions {
  return {
    startToCloseTimeout: timings.activityTimeout,
    retry: {
      initialInterval: timings.retryInitialInterval,
      maximumInterval: timings.retryMaxInterval,
      backoffCoefficient: 2,
    },
  };
}
