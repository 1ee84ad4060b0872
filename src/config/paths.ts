/** Small path helpers for messages and existence checks. */
import { statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';

/** Relative to the workspace when inside it, so messages stay short. */
export function displayPath(abs: string, workspace: string): string {
  const rel = relative(workspace, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

/** Exists and is of the expected kind; `undefined` when fine, else what is wrong. */
export function checkPath(abs: string, want: 'file' | 'folder' | 'any'): string | undefined {
  try {
    const st = statSync(abs);
    if (want === 'file' && !st.isFile()) return 'is not a file';
    if (want === 'folder' && !st.isDirectory()) return 'is not a folder';
    return undefined;
  } catch {
    return 'does not exist';
  }
}
