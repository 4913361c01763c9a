/**
 * The app's look: a calm clinical blue, system fonts, compact density, AA contrast. Mantine's
 * default palettes are tuned for looks, not contrast: white text on the shades a filled badge or
 * button uses is often below WCAG AA's 4.5:1 (green 9 is 4.4:1, orange 8 is 3.6:1), so those
 * shades are darkened here (see contrast.ts); the light shades stay the library's.
 */
import { createTheme, DEFAULT_THEME, Drawer, Modal, type MantineColorsTuple } from '@mantine/core';
import { accessiblePalette } from './contrast.ts';

/** The library's palettes with their filled shades darkened to AA (the portal's theme uses them too). */
export const accessibleDefaults = Object.fromEntries(
  Object.entries(DEFAULT_THEME.colors)
    .filter(([name]) => name !== 'dark')
    .map(([name, palette]) => [name, accessiblePalette(palette) as unknown as MantineColorsTuple]),
);

export const theme = createTheme({
  primaryColor: 'continuum',
  primaryShade: 8,
  colors: {
    ...accessibleDefaults,
    continuum: ['#eaf1fb', '#d3e1f5', '#a6c2ea', '#76a1de', '#4d84d3', '#3572cc', '#2866c9', '#1f4e8c', '#1a4479', '#123466'],
  },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '650' },
  defaultRadius: 'md',
  // A dialog's close button is an icon: it needs a name for screen readers.
  components: {
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
  },
});
