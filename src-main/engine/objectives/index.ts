/**
 * Training objectives (the `--defense` of a run), one per file, registered by name.
 */
import { Registry } from '../registry.js';
import { DEFENSES, type DefenseName } from '../../shared/options.js';
import type { Objective } from './objective.js';
import { natObjective } from './nat.js';
import { advObjective } from './adv.js';
import { tradesObjective } from './trades.js';
import { adrObjective } from './adr.js';
import { sclObjective } from './scl.js';
import { asclObjective } from './ascl.js';

export const objectiveRegistry = new Registry<DefenseName, Objective>('objective', DEFENSES, {
  nat: natObjective, adv: advObjective, trades: tradesObjective, adr: adrObjective, scl: sclObjective, ascl: asclObjective,
});

/** The objective named `name` (a DefenseName); unknown names get an error listing the known ones. */
export function getObjective(name: string): Objective {
  return objectiveRegistry.get(name);
}

export type { Objective, ObjectiveContext, PreparedBatch } from './objective.js';
