/**
 * What the service answers about a study (`ascl study status`, `ascl study report`, the Studies
 * page): its progress with the time left, and its report (the paper-shaped table with
 * uncertainty, paired differences, Figure 3's selection counts and Figure 4's curves). Types only.
 */
import type { MeanCi } from './study-stats.js';
import type { Study } from './study.js';

export interface StudyRunStatus {
  preset: string;
  group: string;
  seed: number;
  /** The stored run with the planned configuration; null: not created yet. */
  runId: string | null;
  status: 'missing' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
  epochsDone: number;
  epochsTotal: number;
  evalsDone: number;
  evalsTotal: number;
}

export interface StudyProgress {
  runsTotal: number;
  runsDone: number;
  evalsTotal: number;
  evalsDone: number;
  /** Done share of the estimated work (epochs and evaluations weighted by their measured seconds), 0..1. */
  fraction: number;
  /** Seconds left at the measured rates on `workers` workers; null until one epoch and one evaluation are measured. */
  etaSeconds: number | null;
  /** Measured mean seconds of one epoch and of one evaluation (per attack) so far. */
  epochSeconds: number | null;
  evalSeconds: Record<string, number>;
}

export interface StudyStatus {
  name: string;
  study: Study;
  runs: StudyRunStatus[];
  progress: StudyProgress;
}

/** One cell of the table: over the seeds' runs, the mean, std, 95% t-interval, and the binomial SE of the mean. */
export interface StudyCell extends MeanCi {
  /** sqrt(sum se_i^2) / k of the runs' per-evaluation binomial standard errors. */
  seOfMean: number;
  /** Test images per evaluation (the smallest among the runs). */
  images: number;
}

export interface StudyReportRun {
  runId: string;
  seed: number;
  epoch: number;
  values: Record<string, number>;
  /** Binomial standard error sqrt(p (1 - p) / n) of each value. */
  se: Record<string, number>;
  /** Test images behind each value. */
  images: Record<string, number>;
  seconds: number;
}

export interface StudyReportRow {
  group: string;
  presets: string[];
  runs: StudyReportRun[];
  cells: Record<string, StudyCell | null>;
}

export interface StudyDifference {
  of: string;
  minus: string;
  /** Per column: the seeds paired, their differences and the mean with its 95% t-interval. */
  columns: Record<string, { seeds: number[]; diffs: number[]; ci: MeanCi } | null>;
}

/** Figure 3: mean positives and negatives per anchor (benign + adversarial views) at each epoch, averaged over the seeds. */
export interface StudySelectionSeries { group: string; epochs: number[]; positives: number[]; negatives: number[] }

/** Figure 4: R-DIV and robust accuracy over eps, averaged over the seeds that have them. */
export interface StudyEpsSeries { group: string; eps: number[]; rdiv: number[]; robustAccuracy: number[]; runs: number }

export interface StudyReport {
  name: string;
  description: string;
  summary: Study['report']['summary'];
  /** Column keys in order: `nat` then the protocol's attacks. */
  columns: string[];
  rows: StudyReportRow[];
  differences: StudyDifference[];
  selection: StudySelectionSeries[];
  epsCurves: StudyEpsSeries[];
  /** What the report still lacks (runs not trained, evaluations not made). */
  missing: string[];
  environment: { machine: string; cores: number; os: string; node: string; appVersion: string; tfjsVersion: string | null; backends: string[] };
  /** Seconds of training (sum of epoch times), of evaluations and their sum, over the study's runs. */
  compute: { trainSeconds: number; evalSeconds: number; totalSeconds: number };
  protocol: Study['evaluation'];
  generatedAt: string;
}

/** Column headings of the paper's Tables 2-4. */
export const STUDY_COLUMN_LABELS: Readonly<Record<string, string>> = { nat: 'Nat', pgd: 'PGD', mpgd: 'mPGD', aa: 'AA', fgsm: 'FGSM' };
export function studyColumnLabel(c: string): string { return STUDY_COLUMN_LABELS[c] ?? c; }
