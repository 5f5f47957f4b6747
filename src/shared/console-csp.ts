/**
 * The console's Content-Security-Policy. The engine sends it with every console response; the desktop shell
 * adds it to a console response that lacks one, so the window never depends on a header arriving.
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; " +
  "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";
