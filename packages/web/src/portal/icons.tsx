/**
 * The navigation's icons: small outline drawings (24 px grid, stroke in the text colour),
 * decorative only: every menu item has its label in words.
 */
const PATHS: Record<string, string> = {
  '': 'M3 11l9-7 9 7M5 10v10h5v-6h4v6h5V10',
  health: 'M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z',
  results: 'M9 3h6M10 3v6l-5 9a2 2 0 0 0 1.8 3h10.4a2 2 0 0 0 1.8-3l-5-9V3M7.5 15h9',
  visits: 'M4 5h16v15H4zM4 9h16M8 3v4M16 3v4M8 13h5',
  documents: 'M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 16h6',
  share: 'M12 15V3M8 7l4-4 4 4M5 12v8h14v-8',
  apps: 'M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h6v6h-6z',
  activity: 'M12 7v5l3 2M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z',
  'record-holders': 'M4 21V9l8-5 8 5v12M9 21v-6h6v6M2 21h20',
  account: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0',
  appointments: 'M4 5h16v15H4zM4 9h16M8 3v4M16 3v4M12 12v4M10 14h4',
  messages: 'M4 5h16v11H9l-5 4z',
  billing: 'M3 6h18v12H3zM3 10h18M7 15h4',
  corrections: 'M4 20h4L19 9l-4-4L4 16zM13 7l4 4',
  more: 'M5 12h.01M12 12h.01M19 12h.01',
};

export function NavIcon({ path, size = 22 }: { path: string; size?: number }) {
  const d = PATHS[path.split('/')[0] ?? ''] ?? 'M12 12m-3 0a3 3 0 1 0 6 0 3 3 0 1 0-6 0';
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={path === 'more' ? 3 : 1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d={d} />
    </svg>
  );
}
