/**
 * Links between the portal's pages. The pages sit one route below the portal's root (PortalApp
 * mounts them as children of `/portal`, whatever its basename), so a route-relative `..` always
 * reaches the root: `portalLink('intake/a1')` works from `appointments/book` as from `billing`.
 */
export const portalLink = (path: string): string => `../${path}`;
