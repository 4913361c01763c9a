/** The web app's entry: the component library, the router, and the app. */
import '@mantine/core/styles.css';
import './ui/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { MantineProvider } from '@mantine/core';
import { setNonce } from 'get-nonce';
import { App } from './App.tsx';
import { theme } from './ui/theme.ts';

/** The per-page nonce the server gave the page's `<style>` elements (see the server's web-app.ts). */
const nonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce ?? '';
// The same nonce for the style a modal adds to lock the page's scrolling (react-remove-scroll).
setNonce(nonce);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} getStyleNonce={() => nonce} forceColorScheme="light">
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </MantineProvider>
  </StrictMode>,
);
