/** The app's look: a calm clinical blue, system fonts, compact density, AA contrast. */
import { createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'continuum',
  primaryShade: 8,
  colors: {
    continuum: ['#eaf1fb', '#d3e1f5', '#a6c2ea', '#76a1de', '#4d84d3', '#3572cc', '#2866c9', '#1f4e8c', '#1a4479', '#123466'],
  },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '650' },
  defaultRadius: 'md',
});
