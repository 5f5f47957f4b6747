import { z } from 'zod';
import { mountHead, PathPatternSchema } from './mount-fields';

/** Files of a folder served under a path prefix, with content types by extension; nothing outside the folder. */
export const StaticFolderSchema = z.strictObject({
  ...mountHead,
  path: PathPatternSchema.describe(
    'Literal path prefix the files are served under (`/static` serves `/static/data.txt`; `/` serves them all).',
  ),
  folder: z
    .string()
    .min(1)
    .max(1000)
    .describe('The folder, relative to the folder of the workspace file (or absolute).'),
  index: z
    .string()
    .max(200)
    // A name in the folder itself: the folder's own rules (nothing outside it, nothing hidden) apply to it.
    .regex(/^(?:[^./\\\0][^/\\\0]*)?$/, 'a file name in the folder (no /, \\ or NUL, not hidden), or empty')
    .default('index.html')
    .describe('File served for a request of a folder (a name in that folder); empty to answer 404 there.'),
});
export type StaticFolder = z.infer<typeof StaticFolderSchema>;
