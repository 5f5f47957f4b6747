import Markdown, { type Components } from 'react-markdown';

/**
 * How an agent's markdown is drawn: links open outside the console (a new tab; the desktop app hands them to the
 * browser), images become links (the console loads nothing from elsewhere), headings stay inside the bubble.
 */
const COMPONENTS: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  ),
  img: ({ src, alt }) => (
    <a href={typeof src === 'string' ? src : undefined} target="_blank" rel="noopener noreferrer nofollow">
      {alt || 'image'}
    </a>
  ),
  h1: ({ children }) => <p className="md-heading">{children}</p>,
  h2: ({ children }) => <p className="md-heading">{children}</p>,
  h3: ({ children }) => <p className="md-heading">{children}</p>,
  h4: ({ children }) => <p className="md-heading">{children}</p>,
  h5: ({ children }) => <p className="md-heading">{children}</p>,
  h6: ({ children }) => <p className="md-heading">{children}</p>,
};

/**
 * An assistant message as rendered markdown. Raw HTML is never rendered (it shows as the text it is), and link
 * targets pass react-markdown's URL check (no `javascript:` and the like).
 */
export function AssistantMarkdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <Markdown components={COMPONENTS}>{text}</Markdown>
    </div>
  );
}
