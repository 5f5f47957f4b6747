import { type ServerSettings, ServerSettingsSchema } from '../shared/settings';

type Listener = (settings: ServerSettings, previous: ServerSettings) => void;

/** The engine's live settings: validated as a whole on every change, observed by the parts that apply them. */
export class EngineSettings {
  private current: ServerSettings;
  private readonly listeners = new Set<Listener>();

  constructor(initial: Partial<ServerSettings> = {}) {
    this.current = ServerSettingsSchema.parse(initial);
  }

  get(): ServerSettings {
    return this.current;
  }

  /** Applies a partial change; throws the ZodError (and changes nothing) when the result is invalid. */
  update(patch: Partial<ServerSettings>): ServerSettings {
    const previous = this.current;
    this.current = ServerSettingsSchema.parse({ ...previous, ...patch });
    for (const listener of this.listeners) listener(this.current, previous);
    return this.current;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
