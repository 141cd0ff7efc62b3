import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

/**
 * The bare-Temporal baseline every capacity figure is compared with: the shape of an order (four activities, then
 * waiting for actions sent as updates) with none of the platform's work. Not part of the product.
 */
export interface BareActivities {
  noop(): Promise<void>;
}

const { noop } = proxyActivities<BareActivities>({ startToCloseTimeout: '30s' });

/** 'finish' closes the run; anything else is counted and answered, as an order answers an action. */
export const bareAction = defineUpdate<number, [string]>('action');

export async function bareOrder(opts: { stayOpen: boolean }): Promise<number> {
  let actions = 0;
  let finished = !opts.stayOpen;
  setHandler(bareAction, (name) => {
    if (name === 'finish') finished = true;
    return ++actions;
  });
  for (let i = 0; i < 4; i++) await noop();
  await condition(() => finished);
  return actions;
}
