/**
 * Fault injection for tests (reliability-recipes R4, ledger-anchors e.10): when a hook is set, the
 * engine calls it at named points inside the open posting transaction, and sends its write batch one
 * statement at a time so a failure can land after the first write. Never set in production code.
 */
/** `hold-committed`: a hold's reservation has committed and its answer is lost on the way back. */
export type FaultStage = "after-lock" | "after-statement" | "hold-committed";

export const ledgerFaults: { hook: ((stage: FaultStage, index: number) => void) | null } = { hook: null };

export function injectFault(stage: FaultStage, index = 0): void {
  ledgerFaults.hook?.(stage, index);
}
