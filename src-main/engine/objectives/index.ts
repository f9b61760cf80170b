/**
 * Training objectives (the `--defense` of a run), one per file, registered by name.
 */
import { Registry } from '../registry.js';
import type { Objective } from './objective.js';
import { natObjective } from './nat.js';
import { advObjective } from './adv.js';
import { tradesObjective } from './trades.js';
import { adrObjective } from './adr.js';
import { sclObjective } from './scl.js';
import { asclObjective } from './ascl.js';

export const objectiveRegistry = new Registry<Objective>('objective');
for (const o of [natObjective, advObjective, tradesObjective, adrObjective, sclObjective, asclObjective]) objectiveRegistry.register(o.name, o);

/** The objective named `name` (a DefenseName); unknown names get an error listing the known ones. */
export function getObjective(name: string): Objective {
  return objectiveRegistry.get(name);
}

export type { Objective, ObjectiveContext, PreparedBatch } from './objective.js';
