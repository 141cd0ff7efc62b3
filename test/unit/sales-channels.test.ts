import { describe, expect, it } from 'vitest';
import { buildOpenApi, platformSpecs } from '../../api/openapi.js';
import { salesChannels } from '../../channels/registry.js';
import { Channel } from '../../domain/order.js';
import { shopSandboxes } from '../../simulators/shops.js';

// What the registry of sales channels drives: each channel's sandbox, the API docs, the connection schema.

describe('the sales channel registry', () => {
  it('names each channel once, with a type that is also an order channel name', () => {
    const types = salesChannels.map((c) => c.type);
    expect(new Set(types).size).toBe(types.length);
    for (const type of types) expect(Channel.safeParse(type).success).toBe(true);
  });

  it('pairs every channel with one shop simulator whose credentials the channel accepts', () => {
    expect(shopSandboxes.map((s) => s.type).sort()).toEqual(salesChannels.map((c) => c.type).sort());
    for (const channel of salesChannels) {
      const sandbox = shopSandboxes.find((s) => s.type === channel.type);
      expect(channel.credentials.safeParse(sandbox?.credentials).success).toBe(true);
    }
  });

  it('documents one webhook endpoint and one connection variant per channel', () => {
    const doc = buildOpenApi(platformSpecs(salesChannels)) as {
      paths: Record<string, { post?: { summary?: string } }>;
      components: { schemas: Record<string, { oneOf?: unknown[] }> };
    };
    for (const channel of salesChannels) {
      const summary = doc.paths[`/webhooks/${channel.type}/{id}`]?.post?.summary ?? '';
      expect(summary).toContain(channel.webhook.signatureHeader);
      for (const topic of channel.webhook.topics) expect(summary).toContain(topic);
    }
    expect(doc.components.schemas['CreateChannel']?.oneOf).toHaveLength(salesChannels.length);
  });
});
