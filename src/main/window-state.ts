/** Where the window was, to open it there next time. */
export interface WindowState {
  x: number;
  y: number;
  width: number;
  height: number;
  maximized: boolean;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type RestoredBounds = Partial<Rect>;

export interface Placement {
  bounds: RestoredBounds;
  maximized: boolean;
}

/** The parts of a BrowserWindow that remembering its place needs. */
export interface PlacedWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
}

/** How much of the title bar must lie on a display for the user to grab it. */
const GRAB_WIDTH = 100;
const GRAB_HEIGHT = 30;

/**
 * True when the window's title bar is on one of the displays' work areas: a monitor unplugged since last time
 * must not leave the window somewhere nobody can see or drag it.
 */
export function isOnScreen(bounds: Rect, workAreas: readonly Rect[]): boolean {
  return workAreas.some((area) => {
    const left = Math.max(bounds.x, area.x);
    const right = Math.min(bounds.x + bounds.width, area.x + area.width);
    const topInside = bounds.y >= area.y && bounds.y + GRAB_HEIGHT <= area.y + area.height;
    return topInside && right - left >= GRAB_WIDTH;
  });
}

/** The saved place when it is visible; otherwise none, and the window opens at its default size, centred. */
export function restoredPlacement(state: WindowState | undefined, workAreas: readonly Rect[]): Placement {
  if (!state || !isOnScreen(state, workAreas)) return { bounds: {}, maximized: false };
  const { x, y, width, height, maximized } = state;
  return { bounds: { x, y, width, height }, maximized };
}

export function captureWindowState(window: PlacedWindow): WindowState {
  return { ...window.getNormalBounds(), maximized: window.isMaximized() };
}

/**
 * Saves the window's place after it stops moving (moves fire many times a second) and once more as it
 * closes, which is the save that matters.
 */
export function rememberWindowState(window: PlacedWindow, save: (state: WindowState) => void, delayMs = 500): void {
  let timer: NodeJS.Timeout | undefined;
  const saveNow = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!window.isDestroyed()) save(captureWindowState(window));
  };
  const saveSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(saveNow, delayMs);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) window.on(event, saveSoon);
  window.on('close', saveNow);
}
