/**
 * The Extract panel's settings (schema/extract.json) and the engine options
 * they make.
 */
import type { DecodeOptions, IocOptions } from '@huntkit/engine';

/** The settings, with their defaults filled in. */
export interface ExtractSettings {
  /** IoC types to report; empty means every built-in type. */
  iocTypes: string[];
  /** Report Windows and Linux file paths. */
  includePaths: boolean;
  /** Public suffixes whose domains are not reported. */
  ignoreTlds: string[];
  /** How deep decoding follows payloads inside payloads. */
  decodeMaxDepth: number;
  /** Decoded bytes allowed per input, all payloads together. */
  decodeMaxTotalBytes: number;
  /** Members read from one zip or tar archive. */
  decodeMaxArchiveMembers: number;
  /** Shortest base64 run decoded. */
  decodeMinBase64Length: number;
  /** Table rows drawn at first and per "Show more". */
  pageSize: number;
}

/** The defaults, matching schema/extract.json and the Rust core's own. */
export const DEFAULT_SETTINGS: Readonly<ExtractSettings> = {
  iocTypes: [],
  includePaths: true,
  ignoreTlds: [],
  decodeMaxDepth: 20,
  decodeMaxTotalBytes: 64 * 1024 * 1024,
  decodeMaxArchiveMembers: 1000,
  decodeMinBase64Length: 30,
  pageSize: 500
};

function strings(value: unknown, fallback: string[]): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : fallback;
}

function integer(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : fallback;
}

/** Reads settings from the registry's composite value (anything missing: default). */
export function readSettings(
  composite: Record<string, unknown> | null | undefined
): ExtractSettings {
  const c = composite ?? {};
  const d = DEFAULT_SETTINGS;
  return {
    iocTypes: strings(c.iocTypes, d.iocTypes),
    includePaths: typeof c.includePaths === 'boolean' ? c.includePaths : d.includePaths,
    ignoreTlds: strings(c.ignoreTlds, d.ignoreTlds),
    decodeMaxDepth: integer(c.decodeMaxDepth, d.decodeMaxDepth),
    decodeMaxTotalBytes: integer(c.decodeMaxTotalBytes, d.decodeMaxTotalBytes),
    decodeMaxArchiveMembers: integer(c.decodeMaxArchiveMembers, d.decodeMaxArchiveMembers),
    decodeMinBase64Length: integer(c.decodeMinBase64Length, d.decodeMinBase64Length),
    pageSize: Math.max(50, integer(c.pageSize, d.pageSize))
  };
}

/** IoC extraction options. */
export function iocOptions(settings: ExtractSettings): IocOptions {
  const options: IocOptions = { include_paths: settings.includePaths };
  if (settings.iocTypes.length) {
    options.types = [...settings.iocTypes];
  }
  if (settings.ignoreTlds.length) {
    options.ignore_tlds = [...settings.ignoreTlds];
  }
  return options;
}

/** Decoding options. */
export function decodeOptions(settings: ExtractSettings): DecodeOptions {
  return {
    max_depth: settings.decodeMaxDepth,
    max_total_bytes: settings.decodeMaxTotalBytes,
    max_archive_members: settings.decodeMaxArchiveMembers,
    min_base64_len: settings.decodeMinBase64Length
  };
}
