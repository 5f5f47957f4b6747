import { type StateViewPart, useMountEditorStore } from '../../stores/mount-editor-store';
import { useMountsStore } from '../../stores/mounts-store';
import { useAgoraServes } from '../../stores/world-endpoints';
import { panelId, type Tab, TabList, tabId } from '../../ui/TabList';
import { CollectionsPart } from '../collections/CollectionsPart';
import { AgoraStatePart } from './AgoraStatePart';

/** The data the mocked API serves, editable: the workspace's collections, and AGORA's users and sessions. */
export function StateView() {
  const picked = useMountEditorStore((state) => state.statePart);
  const collections = useMountsStore((state) => state.sections.collections.length);
  // Either AGORA pack (agora-mock, agora-real) serves its users and sessions.
  const agora = useAgoraServes();
  // AGORA's data first while its pack serves; the collections otherwise.
  const part: StateViewPart = agora ? (picked ?? 'agora') : 'collections';
  const tabs: Tab<StateViewPart>[] = [
    ...(agora ? [{ name: 'agora' as const, title: 'AGORA users & sessions' }] : []),
    {
      name: 'collections',
      title: (
        <>
          Collections<span className="count">{collections}</span>
        </>
      ),
    },
  ];
  return (
    <div className="routes-view">
      <TabList
        group="state"
        label="Data"
        className="tabs"
        tabs={tabs}
        selected={part}
        onSelect={(next) => useMountEditorStore.setState({ statePart: next })}
      />
      <div className="routes-part" role="tabpanel" id={panelId('state', part)} aria-labelledby={tabId('state', part)}>
        {part === 'agora' ? <AgoraStatePart /> : <CollectionsPart />}
      </div>
    </div>
  );
}
