/**
 * The query browser's logic, apart from the DOM so it can be tested: the
 * tree of environments → families → templates, form values → template
 * parameters, and the notebook cell that holds a rendered query.
 * Nothing here parses a template or a time: that is the core's, in the
 * engine's worker.
 */
import type { QueryParameter, QueryTemplate } from '../../pkg/huntkit_wasm.js';

/** One family of an environment, its templates sorted by name. */
export interface QueryFamilyNode {
  family: string;
  templates: QueryTemplate[];
}

/** One data environment, its families sorted by name. */
export interface QueryEnvironmentNode {
  environment: string;
  families: QueryFamilyNode[];
  /** Templates under it, all families. */
  count: number;
}

/**
 * Groups templates as environments → families → templates. A template
 * that runs in several environments is listed under each (rendering then
 * names the environment, since two environments may share a name).
 */
export function queryTree(templates: readonly QueryTemplate[]): QueryEnvironmentNode[] {
  const environments = new Map<string, Map<string, QueryTemplate[]>>();
  for (const template of templates) {
    for (const environment of template.environments.length ? template.environments : ['(none)']) {
      let families = environments.get(environment);
      if (!families) {
        families = new Map();
        environments.set(environment, families);
      }
      const family = template.family || '(none)';
      const list = families.get(family) ?? [];
      list.push(template);
      families.set(family, list);
    }
  }
  const byName = (a: string, b: string): number => a.localeCompare(b, 'en');
  return [...environments.entries()]
    .sort(([a], [b]) => byName(a, b))
    .map(([environment, families]) => {
      const nodes = [...families.entries()]
        .sort(([a], [b]) => byName(a, b))
        .map(([family, list]) => ({
          family,
          templates: [...list].sort((a, b) => byName(a.name, b.name))
        }));
      return {
        environment,
        families: nodes,
        count: nodes.reduce((n, f) => n + f.templates.length, 0)
      };
    });
}

/** The parameters a time-range picker sets: `start` and `end`, both datetimes. */
export const TIME_RANGE_PARAMETERS = ['start', 'end'] as const;

/** Whether the template takes a time range (datetime `start` and `end`). */
export function hasTimeRange(template: QueryTemplate): boolean {
  return TIME_RANGE_PARAMETERS.every(name =>
    template.parameters.some(p => p.name === name && p.type === 'datetime')
  );
}

/**
 * A form field's text as the value passed to `render`: `undefined` when
 * empty (the template's default applies, or it is reported missing);
 * numbers for `int`/`float` text that is one, else the text itself so the
 * core names the bad value; lists as a JSON array when the text is one,
 * else the text (the core splits `a, b` at commas).
 */
export function parameterValue(parameter: QueryParameter, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') {
    return undefined;
  }
  switch (parameter.type) {
    case 'int':
      return /^[+-]?\d+$/.test(trimmed) && Number.isSafeInteger(Number(trimmed))
        ? Number(trimmed)
        : text;
    case 'float':
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) ? Number(trimmed) : text;
    case 'list':
      if (trimmed.startsWith('[')) {
        try {
          const parsed: unknown = JSON.parse(trimmed);
          if (Array.isArray(parsed)) {
            return parsed;
          }
        } catch {
          // Not JSON: the core reads it as comma-separated text.
        }
      }
      return text;
    default:
      return text;
  }
}

/** A template default as the text a form field shows for it. */
export function defaultText(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (Array.isArray(value)) {
    return value.map(v => String(v)).join(', ');
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * `text` as a Python triple-quoted string literal, on lines of its own, that
 * evaluates to exactly `text`: backslashes doubled, and every `"` followed
 * by another `"` escaped, so no `"""` can end the literal early.
 */
export function pythonTripleQuoted(text: string): string {
  const body = text.replace(/\\/g, '\\\\').replace(/"(?=")/g, '\\"');
  // The literal starts with `"""\` + newline (an escaped line break, so the
  // value does not start with one) and ends after a newline, so a `"` at
  // the end of `text` cannot join the closing quotes.
  return `"""\\\n${body}\\\n"""`;
}

/** What the notebook cell says about the query it holds. */
export interface QueryCellInfo {
  name: string;
  environment: string;
  language: string;
}

/**
 * The code cell that holds a rendered query: a comment naming the template
 * and a `query` string the user passes to their client.
 */
export function queryCell(query: string, info: QueryCellInfo): string {
  const comment = `# ${info.name} (${info.environment}, ${info.language.toUpperCase()}), rendered by huntkit`;
  // A comment line cannot hold a line break; names come from YAML files.
  return `${comment.replace(/[\r\n]+/g, ' ')}\nquery = ${pythonTripleQuoted(query)}\n`;
}
