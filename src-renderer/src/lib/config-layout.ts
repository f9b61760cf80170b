/** How the experiment form groups and names the run-config fields (unlisted fields go under Other). */
export const SECTIONS: Array<{ title: string; keys: string[] }> = [
  { title: 'Data', keys: ['dataset', 'dataDir', 'limit', 'evalSubset', 'augmentFlip', 'augmentShift', 'augmentShiftMode'] },
  { title: 'Model & objective', keys: ['model', 'batchNorm', 'latent', 'resnetSetting', 'projectionHead', 'defense', 'adversary', 'selection', 'leakedCounterpart', 'adversarialAnchorKey', 'sclReduction', 'lambdaNat', 'lambdaScl', 'lambdaVat', 'tradesBeta', 'tau', 'distance', 'normalizeLatent', 'vatScaling'] },
  { title: 'Training adversary (PGD, L∞)', keys: ['eps', 'stepSize', 'pgdSteps', 'randomStart', 'trainAttackMode'] },
  { title: 'Optimisation', keys: ['epochs', 'batchSize', 'optimizer', 'learningRate', 'momentum', 'weightDecay', 'lrMilestones', 'lrGamma'] },
  { title: 'Bookkeeping', keys: ['seed', 'backend', 'gpu', 'checkpointEvery', 'queryAnchors', 'selectionEpochs'] },
];
const LABELS: Record<string, string> = {
  gpu: 'GPU index',
  dataDir: 'Data folder', evalSubset: 'Eval subset', augmentFlip: 'Random flips', augmentShift: 'Random shift', projectionHead: 'Projection head', batchNorm: 'Batch norm (CNNs)', latent: 'Latent z',
  lambdaNat: 'λ nat', lambdaScl: 'λ SCL', lambdaVat: 'λ VAT', tradesBeta: 'TRADES β', tau: 'Temperature τ', normalizeLatent: 'L2-normalise latent',
  leakedCounterpart: 'Leaked-LS counterpart', adversarialAnchorKey: 'Adversarial anchor key', sclReduction: 'SCL reduction',
  augmentShiftMode: 'Shift mode', resnetSetting: 'ResNet setting', vatScaling: 'VAT scaling', eps: 'ε (budget)', stepSize: 'Step size', pgdSteps: 'PGD steps',
  randomStart: 'Random start', batchSize: 'Batch size', learningRate: 'Learning rate', weightDecay: 'Weight decay', lrMilestones: 'LR milestones',
  lrGamma: 'LR gamma', trainAttackMode: 'Attack model mode', checkpointEvery: 'Checkpoint every', queryAnchors: 'Query anchors', selectionEpochs: 'Selection epochs', limit: 'Limit (samples)',
};
export const label = (k: string): string => LABELS[k] ?? k.charAt(0).toUpperCase() + k.slice(1);
