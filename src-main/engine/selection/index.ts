/**
 * Selection strategies of Table 1, one per file, registered by name (`--selection`).
 */
import { Registry } from '../registry.js';
import { SELECTIONS, type SelectionName } from '../../shared/options.js';
import type { SelectionStrategy } from './selection.js';
import { globalSelection } from './global.js';
import { hardLocalSelection } from './hard.js';
import { softLocalSelection } from './soft.js';
import { leakedLocalSelection } from './leaked.js';

export const selectionRegistry = new Registry<SelectionName, SelectionStrategy>('selection strategy', SELECTIONS, {
  global: globalSelection, hard: hardLocalSelection, soft: softLocalSelection, leaked: leakedLocalSelection,
});

/** The strategy named `name`; unknown names get an error listing the known ones. */
export function getSelection(name: string): SelectionStrategy {
  return selectionRegistry.get(name);
}

export { globalSelection, hardLocalSelection, softLocalSelection, leakedLocalSelection };
export type { SelectionStrategy, SelectionInput, SelectionMasks } from './selection.js';
