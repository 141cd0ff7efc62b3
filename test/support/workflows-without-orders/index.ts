/**
 * A workflow module without the order workflow: a worker built from it takes the orders' workflow tasks and fails
 * each one ("not registered"), the way a broken deploy or a crashing worker would.
 */
export async function unrelatedWorkflow(): Promise<void> {}
