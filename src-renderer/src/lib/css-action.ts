/**
 * Sets inline style properties through the CSSOM (element.style.setProperty), which the strict
 * Content-Security-Policy (style-src 'self', no 'unsafe-inline') allows, unlike style attributes.
 * Usage: <div use:css={{ width: '40%' }}>.
 */
export function css(node: HTMLElement, styles: Record<string, string | number | null>): { update(s: Record<string, string | number | null>): void } {
  const apply = (s: Record<string, string | number | null>): void => {
    for (const [k, v] of Object.entries(s)) {
      if (v === null) node.style.removeProperty(k); else node.style.setProperty(k, String(v));
    }
  };
  apply(styles);
  return { update: apply };
}
