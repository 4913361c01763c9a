/** The patient portal's entry (portal.html): the component library with the portal's theme, the router below `/portal`, and the app. */
import '@mantine/core/styles.css';
import './portal.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { MantineProvider } from '@mantine/core';
import { setNonce } from 'get-nonce';
import { PortalApp } from './PortalApp.tsx';
import { portalTheme } from './portal-theme.ts';

/** The per-page nonce the server gave the page's `<style>` elements (see the server's web-app.ts). */
const nonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce ?? '';
setNonce(nonce);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={portalTheme} getStyleNonce={() => nonce} forceColorScheme="light">
      <BrowserRouter basename="/portal">
        <PortalApp />
      </BrowserRouter>
    </MantineProvider>
  </StrictMode>,
);
