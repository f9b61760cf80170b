/**
 * The names of the metric terms, declared once: the objectives record them per step, the trainer
 * adds the R-DIV quantities per epoch, the service stores them under these names (long format,
 * one row per term), and the renderer labels and groups them. A name is stored as written here;
 * renaming one would orphan the stored rows of older runs, so add a new name instead.
 */

/** Stored name of each term, keyed by its name in code. */
export const TERMS = {
  /** The minimised total of the objective. */
  loss: 'loss',
  /** L_AT (eq. 4): C(h(x), y) and C(h(x^a), y). */
  ceNat: 'ce_nat',
  ceAdv: 'ce_adv',
  /** TRADES' KL(h(x) || h(x^a)) in L_AT (Zhang et al. 2019), weighted by tradesBeta. */
  tradesKl: 'kl',
  /** The contrastive term L_SCL (eq. 1) and the KL term L_VAT (eq. 5) of eq. 6. */
  scl: 'scl',
  vat: 'vat',
  /** [29]'s L2 penalty on every conv kernel (resnetSetting pang2019), added to the minimised loss. */
  l2: 'l2',
  /** ADR (Bui et al. 2020): local compactness, local smoothness, global compactness, confidence. */
  lcCom: 'lc_com',
  lcSmt: 'lc_smt',
  gbCom: 'gb_com',
  conf: 'conf',
  /** Training-batch accuracy on the benign and on the adversarial view. */
  accNat: 'acc_nat',
  accAdv: 'acc_adv',
  /** Mean positives and negatives per anchor, split by the view they come from (Table 1). */
  posBenign: 'pos_benign',
  posAdv: 'pos_adv',
  negBenign: 'neg_benign',
  negAdv: 'neg_adv',
  /** Per epoch only: d_a^+, d_a^- and R-DIV on the held-out subset (Section 2). */
  rdiv: 'rdiv',
  dPlus: 'd_plus',
  dMinus: 'd_minus',
  /** Optimiser figures stored beside the terms of each step. */
  learningRate: 'learningRate',
  samplesPerSecond: 'samplesPerSecond',
} as const;

export type TermKey = keyof typeof TERMS;
/** A term name as stored. */
export type TermName = (typeof TERMS)[TermKey];

/** What a term measures, for grouping into charts. */
export type TermGroup = 'loss' | 'accuracy' | 'count' | 'rdiv' | 'optimizer';

export const TERM_INFO: { readonly [N in TermName]: { label: string; group: TermGroup } } = {
  loss: { label: 'total loss', group: 'loss' },
  ce_nat: { label: 'CE natural', group: 'loss' },
  ce_adv: { label: 'CE adversarial', group: 'loss' },
  kl: { label: 'TRADES KL', group: 'loss' },
  scl: { label: 'L_SCL', group: 'loss' },
  vat: { label: 'L_VAT', group: 'loss' },
  l2: { label: 'L2 on conv kernels ([29])', group: 'loss' },
  lc_com: { label: 'ADR local compactness', group: 'loss' },
  lc_smt: { label: 'ADR local smoothness', group: 'loss' },
  gb_com: { label: 'ADR global compactness', group: 'loss' },
  conf: { label: 'ADR confidence', group: 'loss' },
  acc_nat: { label: 'train accuracy (natural)', group: 'accuracy' },
  acc_adv: { label: 'train accuracy (adversarial)', group: 'accuracy' },
  pos_benign: { label: 'positives (benign)', group: 'count' },
  pos_adv: { label: 'positives (adversarial)', group: 'count' },
  neg_benign: { label: 'negatives (benign)', group: 'count' },
  neg_adv: { label: 'negatives (adversarial)', group: 'count' },
  rdiv: { label: 'R-DIV', group: 'rdiv' },
  d_plus: { label: 'd_a+', group: 'rdiv' },
  d_minus: { label: 'd_a−', group: 'rdiv' },
  learningRate: { label: 'learning rate', group: 'optimizer' },
  samplesPerSecond: { label: 'samples / s', group: 'optimizer' },
};

export function isTermName(name: string): name is TermName {
  return Object.prototype.hasOwnProperty.call(TERM_INFO, name);
}

/** The label of a stored term; a name this version does not know (a newer run's) is shown as stored. */
export function termLabel(name: string): string {
  return isTermName(name) ? TERM_INFO[name].label : name;
}

/** The group of a stored term; an unknown name counts as a loss term (it is plotted, not hidden). */
export function termGroup(name: string): TermGroup {
  return isTermName(name) ? TERM_INFO[name].group : 'loss';
}
