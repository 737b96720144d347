/** Description sources → Model: the text file, CLI flags, or both (flags win). */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.ts';
import { buildModel, type Model } from './description.ts';
import { parseDescriptionText, type RawSection } from './description-text.ts';
import { flagsToSections, type InitFlags } from './from-flags.ts';

export async function loadModel(descriptionFile: string | undefined, flags: InitFlags): Promise<Model> {
  let base: RawSection[] = [];
  if (descriptionFile) {
    let text: string;
    try {
      text = await readFile(descriptionFile, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read description: ${(e as Error).message}`, { where: descriptionFile });
    }
    base = parseDescriptionText(text, descriptionFile);
  }
  return buildModel(flagsToSections(flags, base), descriptionFile ?? 'command line');
}

/** For tests and tools: a description given as text. */
export function modelFromText(text: string, file = 'description'): Model {
  return buildModel(parseDescriptionText(text, file), file);
}
