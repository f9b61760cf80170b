/**
 * Registries keyed by the option lists of shared/options.ts: every option of MODELS, DEFENSES,
 * SELECTIONS, ATTACKS and DATASETS has exactly one implementation under its own name. The
 * `@ts-expect-error` lines are checked by `tsc` (npm run typecheck): if a registry with a missing
 * or an unknown name ever compiled, the directive itself would be the error.
 */
import { describe, expect, it } from 'vitest';
import { Registry } from '../../src-main/engine/registry.js';
import { ATTACKS, DATASETS, DEFENSES, MODELS, SELECTIONS, type ModelName } from '../../src-main/shared/options.js';
import { modelRegistry } from '../../src-main/engine/models/index.js';
import { objectiveRegistry } from '../../src-main/engine/objectives/index.js';
import { selectionRegistry } from '../../src-main/engine/selection/index.js';
import { attackRegistry } from '../../src-main/engine/attacks/index.js';
import { datasetRegistry } from '../../src-main/engine/data/index.js';

type Impl = { readonly name: string };
const impl = (name: string): Impl => ({ name });
const ALL = { 'small-cnn': impl('small-cnn'), cnn: impl('cnn'), resnet20: impl('resnet20'), resnet50: impl('resnet50') };

describe('typed registries', () => {
  it.each([
    ['model', modelRegistry, MODELS], ['objective', objectiveRegistry, DEFENSES], ['selection', selectionRegistry, SELECTIONS],
    ['attack', attackRegistry, ATTACKS], ['dataset', datasetRegistry, DATASETS],
  ] as const)('the %s registry holds exactly the option list, each entry under its own name', (_kind, registry, names) => {
    expect(registry.names()).toEqual([...names]);
    for (const n of names) expect(registry.get(n).name).toBe(n);
  });

  it('a model name without an implementation does not compile, and is refused when the types are bypassed', () => {
    const { resnet50: _missing, ...three } = ALL;
    // @ts-expect-error: 'resnet50' has no implementation
    expect(() => new Registry<ModelName, Impl>('model', MODELS, three)).toThrow(/Registry\(model\): entries must match the options exactly \(missing: \["resnet50"\], unknown: \[\]\)/);
  });

  it('an implementation under a name that is not an option does not compile, and is refused', () => {
    // @ts-expect-error: 'vgg' is not a ModelName
    expect(() => new Registry<ModelName, Impl>('model', MODELS, { ...ALL, vgg: impl('vgg') })).toThrow(/unknown: \["vgg"\]/);
  });

  it('an entry filed under another option\'s name is refused, quoting both names', () => {
    expect(() => new Registry<ModelName, Impl>('model', MODELS, { ...ALL, cnn: impl('resnet20') })).toThrow(/entry under "cnn" names itself "resnet20"/);
  });

  it('get of an unknown name lists the known ones; has() narrows to the option type', () => {
    const r = new Registry<ModelName, Impl>('model', MODELS, ALL);
    expect(() => r.get('vgg')).toThrow('Registry(model).get: unknown model "vgg"; known: small-cnn, cnn, resnet20, resnet50');
    const name: string = 'cnn';
    expect(r.has(name) ? r.get(name).name : null).toBe('cnn');
  });
});
