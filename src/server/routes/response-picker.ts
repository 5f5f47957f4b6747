import { randomInt } from 'node:crypto';
import type { RESPONSE_MODES } from '../../shared/mounts/route';

/** Chooses among `count` responses those `applies` accepts; -1 when none applies. */
export type ResponsePicker = (count: number, applies: (index: number) => boolean) => number;

/**
 * `first-match`: the first that applies. `sequential`: each in turn — the next that applies after the one that
 * answered last, round the list (the position lives as long as the compiled world). `random`: any that applies.
 */
export function responsePicker(mode: (typeof RESPONSE_MODES)[number]): ResponsePicker {
  switch (mode) {
    case 'first-match':
      return (count, applies) => {
        for (let index = 0; index < count; index++) if (applies(index)) return index;
        return -1;
      };
    case 'sequential': {
      let next = 0;
      return (count, applies) => {
        for (let step = 0; step < count; step++) {
          const index = (next + step) % count;
          if (applies(index)) {
            next = index + 1;
            return index;
          }
        }
        return -1;
      };
    }
    case 'random':
      return (count, applies) => {
        const applicable: number[] = [];
        for (let index = 0; index < count; index++) if (applies(index)) applicable.push(index);
        return applicable.length === 0 ? -1 : (applicable[randomInt(applicable.length)] ?? -1);
      };
  }
}
