import type { MountRef } from '../../../../shared/mounts/match-report';
import { showMount } from '../../stores/mount-editor-store';

const KIND_WORDS: Record<MountRef['kind'], string> = {
  route: 'route',
  collection: 'collection',
  static: 'static folder',
  agent: 'agent',
  pack: 'pack',
};

/** A mount named in the request log, as a link that opens it (a route in Routes, a collection in State…). */
export function MountLink({ mount, name }: { mount: Pick<MountRef, 'kind' | 'id'>; name?: string | undefined }) {
  return (
    <button
      type="button"
      className="link"
      onClick={() => showMount(mount)}
      title={`Open the ${KIND_WORDS[mount.kind]} ${mount.id}`}
    >
      {KIND_WORDS[mount.kind]} <strong>{name ?? mount.id}</strong>
    </button>
  );
}
