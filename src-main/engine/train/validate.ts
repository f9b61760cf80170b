/**
 * Checks a run before any training starts: the schema (lambda >= 0, tau > 0, known enums: through
 * parseRunConfig), then what the schema cannot see: the registered objective and strategy, the
 * dataset, and a projection head the model does not have.
 */
import { ConfigError, parseRunConfig, type RunConfig } from '../../shared/run-config.js';
import type { Dataset } from '../data/dataset.js';
import type { ClassifierModel } from '../models/model.js';
import { objectiveRegistry } from '../objectives/index.js';
import { selectionRegistry } from '../selection/index.js';

export function validateTrainingConfig(config: RunConfig, dataset: Dataset): RunConfig {
  const c = parseRunConfig(config, 'train');
  const problems: string[] = [];
  if (!objectiveRegistry.has(c.defense)) problems.push(`defense ${JSON.stringify(c.defense)} has no registered objective (known: ${objectiveRegistry.names().join(', ')})`);
  if (!selectionRegistry.has(c.selection)) problems.push(`selection ${JSON.stringify(c.selection)} is not a known strategy (known: ${selectionRegistry.names().join(', ')})`);
  if (dataset.train.count < 2) problems.push(`dataset ${dataset.name} has ${dataset.train.count} training sample(s); at least 2 are needed`);
  if (dataset.numClasses < 2) problems.push(`dataset ${dataset.name} has ${dataset.numClasses} class(es)`);
  if (dataset.test.count < 1) problems.push(`dataset ${dataset.name} has no test samples for the per-epoch evaluation`);
  if (c.projectionHead !== 'none' && !['scl', 'ascl'].includes(c.defense)) {
    problems.push(`projectionHead ${JSON.stringify(c.projectionHead)} only acts on the contrastive term, but defense ${JSON.stringify(c.defense)} has none (use scl or ascl, or projectionHead "none")`);
  }
  if (problems.length) throw new ConfigError(`train: invalid run configuration: ${problems.join('; ')}`);
  return c;
}

/** After the model is built: the configured projection head must exist in it (Table 6). */
export function validateModelForConfig(model: ClassifierModel, config: RunConfig): void {
  if (config.projectionHead !== 'none' && model.projectionHead !== config.projectionHead) {
    throw new ConfigError(`train: projectionHead ${JSON.stringify(config.projectionHead)} requested, but model ${model.name} has ${JSON.stringify(model.projectionHead)}; this model cannot carry that projection head`);
  }
}
