/**
 * A by-name registry: each attack, objective, selection strategy, model and dataset lives in
 * its own file and registers itself here (torchattacks' one attack per file, tfjs' kernel registry).
 */
export class Registry<T> {
  private readonly items = new Map<string, T>();
  constructor(readonly kind: string) {}

  register(name: string, item: T): void {
    if (this.items.has(name)) throw new Error(`Registry(${this.kind}).register: "${name}" is already registered`);
    this.items.set(name, item);
  }

  get(name: string): T {
    const item = this.items.get(name);
    if (item === undefined) {
      throw new Error(`Registry(${this.kind}).get: unknown ${this.kind} ${JSON.stringify(name)}; known: ${this.names().join(', ')}`);
    }
    return item;
  }

  has(name: string): boolean { return this.items.has(name); }
  names(): string[] { return [...this.items.keys()]; }
}
