/**
 * A card's markdown detail as React elements (from `parseMarkdown`): never as HTML. Links into this
 * app (a path, or a URL on this origin) stay in the app; links elsewhere open in a new tab, and say so.
 */
import { Fragment, type ReactNode } from 'react';
import { Anchor, List, Text, VisuallyHidden } from '@mantine/core';
import { Link } from 'react-router-dom';
import { appPath, parseMarkdown, type Inline } from './markdown.ts';

/**
 * A link: in the app when it leads into it, else to the outside in a new tab. `newTab` opens even
 * links into the app in a new tab (from a screen with unsaved work, such as an order under review).
 */
export function CardLink({ href, newTab = false, children }: { href: string; newTab?: boolean; children: ReactNode }) {
  const path = appPath(href, typeof window === 'undefined' ? undefined : window.location.origin);
  if (path && !newTab) {
    return (
      <Anchor component={Link} to={path} size="sm">
        {children}
      </Anchor>
    );
  }
  return (
    <Anchor href={href} target="_blank" rel="noopener noreferrer" size="sm">
      {children}
      <VisuallyHidden> (opens in a new tab)</VisuallyHidden>
    </Anchor>
  );
}

function inlines(nodes: Inline[], newTab: boolean): ReactNode {
  return nodes.map((n, i) => {
    switch (n.t) {
      case 'text':
        return <Fragment key={i}>{n.text}</Fragment>;
      case 'strong':
        return <strong key={i}>{inlines(n.children, newTab)}</strong>;
      case 'em':
        return <em key={i}>{inlines(n.children, newTab)}</em>;
      case 'code':
        return <code key={i}>{n.text}</code>;
      case 'link':
        return (
          <CardLink key={i} href={n.href} newTab={newTab}>
            {inlines(n.children, newTab)}
          </CardLink>
        );
    }
  });
}

export function Markdown({ source, newTab = false }: { source: string; newTab?: boolean }) {
  return (
    <div className="cds-markdown">
      {parseMarkdown(source).map((b, i) =>
        b.t === 'p' ? (
          <Text key={i} size="sm" fw={b.strong ? 700 : undefined}>
            {inlines(b.children, newTab)}
          </Text>
        ) : (
          <List key={i} size="sm" type={b.ordered ? 'ordered' : 'unordered'} withPadding>
            {b.items.map((item, j) => (
              <List.Item key={j}>{inlines(item, newTab)}</List.Item>
            ))}
          </List>
        ),
      )}
    </div>
  );
}
