import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import type SwaggerParser from '@apidevtools/swagger-parser';
import { isWithin } from '../support/path-within';
import { OpenApiImportError } from './openapi-import-error';
import { isParserFilePath, parserFilePath } from './parser-file-path';

/** How many other files one document may refer to: real documents split into a handful. */
const MAX_REFERENCED_FILES = 200;

/** A resolver for swagger-parser, and why it last refused to read a file (the parser keeps only its own message). */
export interface LocalRefResolver {
  resolver: SwaggerParser.ResolverOptions;
  refusal(): OpenApiImportError | undefined;
  /**
   * The file it read that a parser error's `source` names: the parser writes it percent-decoded as `decodeURI` does
   * (`#` and a literal `%23` alike as `%23`), which only the URLs read tell apart.
   */
  fileNamed(source: string): string | undefined;
}

/**
 * A `$ref` resolver for files next to the imported document (see parserFilePath for how the parser names them).
 * Only regular files inside the document's folder are read, each within the size limit, so a reference cannot read
 * the rest of the disk, a device or a huge file.
 */
export function localRefResolver(documentFile: string, maxBytes: number): LocalRefResolver {
  const folder = dirname(documentFile);
  let reads = 0;
  let refusal: OpenApiImportError | undefined;
  const read = new Map<string, string>();
  const resolver: SwaggerParser.ResolverOptions = {
    order: 100,
    canRead: (file: SwaggerParser.FileInfo) => isParserFilePath(file.url),
    read: async (file: SwaggerParser.FileInfo) => {
      let path: string | undefined;
      try {
        path = localPath(file.url);
        const text = await readInside(folder, path, maxBytes, ++reads);
        // Its escapes are well formed: localPath decoded them.
        read.set(decodeURI(file.url), path);
        return text;
      } catch (error) {
        const problem = error instanceof OpenApiImportError ? error.problem : (error as Error).message;
        refusal = new OpenApiImportError(`a $ref cannot be followed: ${problem}`, path ?? file.url, { cause: error });
        throw refusal;
      }
    },
  };
  return { resolver, refusal: () => refusal, fileNamed: (source) => read.get(source) };
}

async function readInside(folder: string, path: string, maxBytes: number, reads: number): Promise<Buffer> {
  if (reads > MAX_REFERENCED_FILES) {
    throw new OpenApiImportError(`the document refers to more than ${MAX_REFERENCED_FILES} files`);
  }
  // As written first, so a reference outside is refused without asking the disk whether its target exists.
  if (!isWithin(folder, path)) throw outside(folder);
  const [realFolder, realFile] = await Promise.all([
    realpath(folder),
    realpath(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new OpenApiImportError(`no such file ${relative(folder, path)}`);
      throw error;
    }),
  ]);
  // Then as it resolves: a link inside may lead out.
  if (!isWithin(realFolder, realFile)) throw outside(folder);
  // stat before reading: opening a FIFO or a device could block or never end.
  const stats = await stat(realFile);
  if (!stats.isFile()) throw new OpenApiImportError('not a file');
  if (stats.size > maxBytes) {
    throw new OpenApiImportError(`the file is ${stats.size} bytes, more than the limit of ${maxBytes}`);
  }
  return readFile(realFile);
}

function localPath(url: string): string {
  try {
    return parserFilePath(url);
  } catch (error) {
    throw new OpenApiImportError(`it names no local file (${(error as Error).message})`, undefined, { cause: error });
  }
}

function outside(folder: string): OpenApiImportError {
  return new OpenApiImportError(`outside the document's folder ${folder}: not read`);
}
