import { createSupplierSimulator } from './index.js';

/**
 * Runs the simulator on its own: `npx tsx simulators/supplier/serve.ts`.
 * SUPPLIER_API_KEY (default sandbox-supplier-key, as the platform's default), SUPPLIER_SIM_PORT (4001),
 * SUPPLIER_SIM_STATE (JSON file keeping orders across restarts, default .data/supplier-sim.json; "none" keeps
 * everything in memory), SUPPLIER_SIM_SHIP_AFTER_MS (ship orders automatically after this many ms).
 */

const port = Number(process.env['SUPPLIER_SIM_PORT'] ?? 4001);
const stateSetting = process.env['SUPPLIER_SIM_STATE'] ?? '.data/supplier-sim.json';
const shipAfter = process.env['SUPPLIER_SIM_SHIP_AFTER_MS'];

const simulator = createSupplierSimulator({
  apiKey: process.env['SUPPLIER_API_KEY'] || 'sandbox-supplier-key',
  ...(stateSetting === 'none' ? {} : { statePath: stateSetting }),
  shipAfterMs: shipAfter ? Number(shipAfter) : null,
});

const running = await simulator.listen(port, process.env['HOST'] ?? '127.0.0.1');
console.log(`supplier simulator listening on ${running.url} (admin: ${running.url}/_admin/orders)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void running.close().then(() => process.exit(0));
  });
}
