/** A typed event hub for the service's events (ApiEvents); listeners never break the emitter. */
import type { ApiEvent, ApiEventSource, ApiEvents } from '../shared/channels.js';

type Listener<E extends ApiEvent> = (payload: ApiEvents[E]) => void;

export class EventHub implements ApiEventSource {
  private readonly listeners = new Map<ApiEvent, Set<Listener<ApiEvent>>>();

  constructor(private readonly onListenerError: (err: unknown) => void = (err) => console.error('EventHub: listener threw:', err)) {}

  on<E extends ApiEvent>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<ApiEvent>);
    return () => { set.delete(listener as Listener<ApiEvent>); };
  }

  emit<E extends ApiEvent>(event: E, payload: ApiEvents[E]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try { (l as Listener<E>)(payload); } catch (err) { this.onListenerError(err); }
    }
  }
}
