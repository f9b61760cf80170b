/**
 * A by-name registry: each attack, objective, selection strategy, model and dataset lives in its
 * own file and is listed in its folder's index.ts (torchattacks' one attack per file, tfjs' kernel
 * registry). The entries are a `Record<Name, Impl>` keyed by the option list of shared/options.ts,
 * so an option without an implementation (or an implementation under an unknown name) does not
 * compile; the same is checked when the registry is built, for callers that bypass the types.
 */
export class Registry<N extends string, T extends { readonly name: string }> {
  private readonly items: ReadonlyMap<string, T>;

  constructor(readonly kind: string, names: readonly N[], entries: { readonly [K in N]: T }) {
    const where = `Registry(${kind})`;
    const keys = Object.keys(entries);
    const missing = names.filter((n) => !Object.prototype.hasOwnProperty.call(entries, n));
    const unknown = keys.filter((k) => !(names as readonly string[]).includes(k));
    if (missing.length > 0 || unknown.length > 0) {
      throw new Error(`${where}: entries must match the options exactly (missing: ${JSON.stringify(missing)}, unknown: ${JSON.stringify(unknown)})`);
    }
    for (const n of names) {
      if (entries[n].name !== n) throw new Error(`${where}: the entry under ${JSON.stringify(n)} names itself ${JSON.stringify(entries[n].name)}`);
    }
    this.items = new Map(names.map((n) => [n, entries[n]]));
  }

  get(name: string): T {
    const item = this.items.get(name);
    if (item === undefined) {
      throw new Error(`Registry(${this.kind}).get: unknown ${this.kind} ${JSON.stringify(name)}; known: ${this.names().join(', ')}`);
    }
    return item;
  }

  has(name: string): name is N { return this.items.has(name); }
  names(): N[] { return [...this.items.keys()] as N[]; }
}
