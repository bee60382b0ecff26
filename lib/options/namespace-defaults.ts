import { presetsByName } from '../permissions/presets.js';
import { defaultNamespaceOptions, type NamespaceOptions, type ResolvedNamespaceOptions } from './namespace-options.js';

/** Defaults, then the preset, then the fields set explicitly (an `undefined` field keeps what is below it). */
export function withDefaults({ preset, ...own }: NamespaceOptions = {}): ResolvedNamespaceOptions {
  const explicit = Object.fromEntries(Object.entries(own).filter(([, value]) => value !== undefined));
  return { ...defaultNamespaceOptions, ...(preset ? presetsByName[preset] : {}), ...explicit };
}
