/** What a console token may be: it travels in a URL fragment and an `Authorization` header. */
export const CONSOLE_TOKEN = /^[A-Za-z0-9._~-]{8,256}$/;
export const CONSOLE_TOKEN_RULE = '8 to 256 characters of letters, digits, ".", "_", "~" or "-"';
