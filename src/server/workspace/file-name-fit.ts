/** The longest file name most file systems take, in bytes (ext4, APFS, NTFS's 255 UTF-16 units hold as many). */
const MAX_NAME_BYTES = 255;

/**
 * `name` cut (on whole characters) so that `addedBytes` more still make a name a file system takes: files kept beside
 * a workspace (its temp files, unsaved changes) begin with its name, and one whose name is near that long could
 * otherwise be opened but never saved, or its changes not kept on closing.
 */
export function nameFitting(name: string, addedBytes: number): string {
  let stem = name;
  while (Buffer.byteLength(stem) > MAX_NAME_BYTES - addedBytes) stem = [...stem].slice(0, -1).join('');
  return stem;
}
