/**
 * Mounting Svelte components in jsdom for component tests. A test file using this must map
 * `svelte` and `svelte/store` to their client builds with vi.mock (see setup-page.test.ts):
 * Node loads svelte as an external package and would pick its server build.
 */
import { fireEvent as domFire } from '@testing-library/dom';
import { flushSync, mount, unmount, type Component } from 'svelte';

let mounted: Record<string, unknown> | null = null;

export function render(component: Component<Record<string, never>>): void {
  const target = document.createElement('div');
  document.body.appendChild(target);
  mounted = mount(component, { target });
}

export function cleanup(): void {
  if (mounted) unmount(mounted);
  mounted = null;
  document.body.innerHTML = '';
}

/** DOM events, then Svelte's pending updates flushed. */
export const fireEvent = {
  input: async (el: Element, init: { target: { value: string } }) => { (el as HTMLInputElement).value = init.target.value; domFire.input(el); flushSync(); },
  change: async (el: Element, init: { target: { value: string } }) => { (el as HTMLInputElement).value = init.target.value; domFire.change(el); flushSync(); },
  click: async (el: Element) => { domFire.click(el); flushSync(); },
};
