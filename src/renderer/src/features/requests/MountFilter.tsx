import { showRequestsAnsweredBy } from '../../stores/console-sync';
import { useMountsStore } from '../../stores/mounts-store';
import { useServerStore } from '../../stores/server-store';

/** Which mount's requests to show: any, none (what nothing answered), or one route, collection, folder, agent, pack. */
export function MountFilter({ value }: { value: string | null }) {
  const sections = useMountsStore((state) => state.sections);
  const packs = useServerStore((state) => state.info?.packs ?? []);
  const groups: [string, string, readonly { id: string; name?: string | undefined }[]][] = [
    ['Routes', 'route', sections.routes],
    ['Collections', 'collection', sections.collections],
    ['Static folders', 'static', sections.staticFolders],
    ['Agents', 'agent', sections.agents],
    ['Packs', 'pack', packs.map((id) => ({ id }))],
  ];
  const known =
    value === null ||
    value === 'none' ||
    groups.some(([, kind, items]) => items.some((item) => `${kind}:${item.id}` === value));
  return (
    <select
      aria-label="Answered by"
      className="mount-filter"
      value={value ?? ''}
      onChange={(event) => void showRequestsAnsweredBy(event.target.value || null)}
    >
      <option value="">answered by anything</option>
      <option value="none">answered by nothing (404)</option>
      {!known && value && <option value={value}>{value}</option>}
      {groups.map(
        ([label, kind, items]) =>
          items.length > 0 && (
            <optgroup key={kind} label={label}>
              {items.map((item) => (
                <option key={item.id} value={`${kind}:${item.id}`}>
                  {kind} {item.name ? `${item.name} (${item.id})` : item.id}
                </option>
              ))}
            </optgroup>
          ),
      )}
    </select>
  );
}
