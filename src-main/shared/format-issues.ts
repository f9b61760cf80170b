import type { z } from 'zod';

/**
 * Formats zod issues as one readable line per problem, naming the key and quoting the bad value
 * (cut to 200 characters: an oversized payload is never echoed back whole).
 */
export function formatIssues(error: z.ZodError, input?: unknown): string {
  return error.issues.map((i) => {
    const path = i.path.join('.') || '(root)';
    let value = '';
    if (input && typeof input === 'object' && i.path.length > 0) {
      let v: unknown = input;
      for (const k of i.path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined;
      if (v !== undefined) {
        const text = JSON.stringify(v) ?? String(v);
        value = ` (got ${text.length > 200 ? `${text.slice(0, 200)}... (${text.length} characters)` : text})`;
      }
    }
    return `${path}: ${i.message}${value}`;
  }).join('; ');
}
