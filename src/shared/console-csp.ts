/**
 * The console's Content-Security-Policy. The engine sends it with every console response; the desktop shell
 * adds it to a console response that lacks one, so the window never depends on a header arriving.
 * `connect-src 'self'`: the console talks only to the engine that served it — CSP3's 'self' also matches
 * ws:/wss: on the page's own host and port (the live feed, the Try-it socket), and nothing else.
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
  "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";
