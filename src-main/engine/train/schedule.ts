/**
 * Step learning-rate schedule (supplementary 6: 1e-3, then 1e-4 at epoch 80, 1e-5 at 120, 1e-6 at
 * 160), as PyTorch's MultiStepLR: after `m` finished epochs for each milestone m, the rate is
 * multiplied by gamma. `epoch` counts from 1 (the first epoch uses the base rate).
 */
export function learningRateAt(epoch: number, base: number, milestones: readonly number[], gamma: number): number {
  if (!Number.isInteger(epoch) || epoch < 1) throw new Error(`learningRateAt: epoch must be an integer >= 1, got ${epoch}`);
  const passed = milestones.filter((m) => epoch - 1 >= m).length;
  return base * gamma ** passed;
}
