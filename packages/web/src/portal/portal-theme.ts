/**
 * The portal's look: a warm teal with a coral accent (distinct from the staff app's clinical
 * blue), rounder corners, a larger base size and 44 px touch targets. Colour shades that carry
 * white text are darkened to WCAG AA by the same rule as the staff theme (ui/contrast.ts).
 */
import { Anchor, Button, createTheme, Drawer, Modal, type MantineColorsTuple } from '@mantine/core';
import { accessiblePalette } from '../ui/contrast.ts';
import { accessibleDefaults } from '../ui/theme.ts';

const palette = (shades: string[]): MantineColorsTuple => accessiblePalette(shades) as unknown as MantineColorsTuple;

export const portalTheme = createTheme({
  primaryColor: 'myhealth',
  primaryShade: 8,
  colors: {
    ...accessibleDefaults,
    myhealth: palette(['#e6f6f4', '#c5e9e4', '#97d6cd', '#63c1b4', '#38ad9e', '#1f9a8a', '#16877a', '#0f6f64', '#0b5f56', '#074841']),
    coral: palette(['#fff0eb', '#ffdcd1', '#ffb8a3', '#ff9172', '#fb6f4b', '#e85a36', '#c9482a', '#a63b22', '#8a311c', '#6c2616']),
  },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontSizes: { xs: '0.8rem', sm: '0.9rem', md: '1rem', lg: '1.125rem', xl: '1.3rem' },
  headings: { fontWeight: '700' },
  defaultRadius: 'lg',
  // Dialogs and menus appear without motion for people who asked their system for less.
  respectReducedMotion: true,
  components: {
    Button: Button.extend({ defaultProps: { size: 'md' } }),
    // Links are underlined: colour alone does not set them apart from the text around them.
    Anchor: Anchor.extend({ defaultProps: { underline: 'always' } }),
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
  },
});
