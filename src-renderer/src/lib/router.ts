/** Hash routes: #/setup, #/runs, #/run/<id>, #/rdiv?runs=a,b, #/compare?runs=a,b, #/latent/<id>, #/robustness?runs=a,b, #/matrix?runs=a,b[&rows=groups][&eps=8/255], #/examples/<id>?eval=&vs=&vsEval=&filter=, #/workers. */
import { readable } from 'svelte/store';

export interface Route { page: string; id: string | null; params: URLSearchParams }

export function parseHash(hash: string): Route {
  const [pathPart, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [page = 'runs', id = null] = pathPart.split('/').filter((s) => s !== '').map(decodeURIComponent);
  return { page: page || 'runs', id, params: new URLSearchParams(query) };
}

export const route = readable<Route>(parseHash(location.hash), (set) => {
  const update = (): void => set(parseHash(location.hash));
  window.addEventListener('hashchange', update);
  return () => window.removeEventListener('hashchange', update);
});

export function go(path: string): void { location.hash = `#/${path}`; }

/** Run ids listed in a route's `runs` parameter. */
export const runsParam = (r: Route): string[] => (r.params.get('runs') ?? '').split(',').filter((s) => s !== '');
