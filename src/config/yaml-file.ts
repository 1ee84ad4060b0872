/** The one way a config file the user points at (a kind config, a kustomization, a Chart.yaml) is read as YAML. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/**
 * The file's top-level mapping, or undefined when the file is empty. What is wrong is thrown
 * without the file's name, which the caller gives in its own words.
 */
export function readYamlMapping(file: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`could not be read: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    throw new Error(`is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('must be a YAML mapping');
  return value as Record<string, unknown>;
}
