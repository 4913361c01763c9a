/**
 * An axe-core audit of the page as it is now: the WCAG 2.0 and 2.1 A and AA rules (labels,
 * colour contrast, landmarks, headings, ARIA). The script is injected with `addScriptTag`, so
 * the page's context must bypass its Content-Security-Policy (the app rightly allows no script
 * it did not ship); nothing else about the page changes.
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The tags of the rules run: WCAG 2.0 and 2.1, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const;

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string; summary: string }[];
}

/** The violations of the WCAG A/AA rules on the page, each with the elements that fail it. */
export async function axeViolations(page: Page): Promise<Violation[]> {
  // A modal or drawer that is still fading in is drawn half-transparent over a dimmed page, and
  // axe would measure the contrast of that in-between frame: audit the screen once it has settled.
  // (A spinner's endless animation never settles, so only finite ones are waited for.)
  await page.waitForFunction(
    'document.getAnimations().every((a) => a.playState !== "running" || a.effect?.getTiming().iterations === Infinity)',
    undefined,
    { polling: 50 },
  );
  if (!(await page.evaluate<boolean>('typeof window.axe === "object"'))) await page.addScriptTag({ path: AXE_SCRIPT });
  return page.evaluate<Violation[]>(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG_TAGS)} }, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 300) })) })))`);
}

/** The violations, one readable line per failing element, for an assertion message. */
export function describeViolations(screen: string, violations: Violation[]): string {
  const lines = violations.flatMap((v) => v.nodes.map((n) => `  ${v.id} (${v.impact ?? 'n/a'}): ${n.target} — ${n.summary}`));
  return `${screen}: ${violations.length} WCAG A/AA rules violated\n${lines.join('\n')}`;
}
