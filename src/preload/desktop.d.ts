import type { DesktopApi } from '../shared/desktop-api';

declare global {
  interface Window {
    /** Present only inside the desktop app. */
    desktop?: DesktopApi;
  }
}
