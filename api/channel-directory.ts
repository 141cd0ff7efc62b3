import { z } from 'zod';
import { salesChannels } from '../channels/registry.js';
import type { SalesChannels } from '../channels/sales-channel.js';
import { importChannels } from './import/index.js';

/**
 * Every `channel` an order can come from, with the name people read: the connected shop platforms (the registry,
 * channels/registry.ts), the marketplaces whose reports are imported (api/import/), and orders posted to the API.
 */
export const ChannelKind = z.enum(['shop', 'import', 'api']).meta({
  description: 'shop: a connected shop platform sending webhooks; import: a marketplace report uploaded; api: posted',
});

export const SalesChannelInfo = z
  .object({
    type: z.string().meta({ description: "The orders' `channel`", example: salesChannels[0].type }),
    label: z.string().meta({ example: salesChannels[0].label }),
    kind: ChannelKind,
    webhook: z
      .object({
        signatureHeader: z.string(),
        topicHeader: z.string(),
        deliveryHeader: z.string(),
        topics: z.array(z.string()).meta({ description: 'The topics to subscribe in the shop' }),
      })
      .nullable()
      .meta({ description: 'How the shop signs and names its webhooks (shops only)' }),
    credentials: z
      .array(
        z.object({
          name: z.string().meta({ example: 'accessToken' }),
          label: z.string().meta({ example: 'Access token' }),
        }),
      )
      .meta({
        description:
          'The API credentials `POST /v1/channels` takes for this shop, by body field (write-only, stored sealed); empty for the other kinds',
      }),
  })
  .meta({ id: 'SalesChannelInfo' });
export type SalesChannelInfo = z.infer<typeof SalesChannelInfo>;

/** Orders posted to the API name their channel themselves; those without one of their own are "manual". */
const posted: SalesChannelInfo = { type: 'manual', label: 'Manual', kind: 'api', webhook: null, credentials: [] };

/** `consumerSecret` → "Consumer secret": the credential fields' names are the channel modules' own. */
const fieldLabel = (name: string): string => {
  const words = name.replace(/([A-Z])/g, ' $1').toLowerCase();
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
};

export function channelDirectory(channels: SalesChannels): SalesChannelInfo[] {
  return [
    ...channels.map((c) => ({
      type: c.type,
      label: c.label,
      kind: 'shop' as const,
      webhook: {
        signatureHeader: c.webhook.signatureHeader,
        topicHeader: c.webhook.topicHeader,
        deliveryHeader: c.webhook.deliveryHeader,
        topics: [...c.webhook.topics],
      },
      credentials: Object.keys(c.credentials.shape).map((name) => ({ name, label: fieldLabel(name) })),
    })),
    ...importChannels.map((c) => ({ ...c, kind: 'import' as const, webhook: null, credentials: [] })),
    posted,
  ];
}

/** The name people read for an order's channel; one the platform does not know is shown capitalized. */
export function channelLabeller(channels: SalesChannels): (channel: string) => string {
  const labels = new Map(channelDirectory(channels).map((c) => [c.type, c.label]));
  return (channel) => labels.get(channel) ?? `${channel.charAt(0).toUpperCase()}${channel.slice(1)}`;
}
