import { isMap, isScalar, isSeq, type LineCounter, type Node, type Scalar, type YAMLError } from 'yaml';
import type { LocalizedText, SourcePosition } from '../language/types';
import { didYouMean, listOf, suggestion, type RuleIssue, type RuleIssueCode } from './issues';

/** Reading state: the file, its line index and the issues found so far. */
export type Reader = { file: string; lines: LineCounter; issues: RuleIssue[] };

export type Field = { key: string; keyPos: SourcePosition; value: Node | null; pos: SourcePosition };
export type Fields = Map<string, Field>;

/** Keys that were present but misspelt, by the field they probably meant: no "missing field" for those. */
const misspelt = new WeakMap<Fields, Set<string>>();

export function wasMisspelt(fields: Fields, key: string): boolean {
  return misspelt.get(fields)?.has(key) === true;
}

const START: SourcePosition = { line: 1, column: 1 };

export function positionOf(r: Reader, node: Node | null | undefined, fallback: SourcePosition = START): SourcePosition {
  const offset = node?.range?.[0];
  if (offset === undefined) return fallback;
  const { line, col } = r.lines.linePos(offset);
  return { line, column: col };
}

export function report(r: Reader, at: SourcePosition, code: RuleIssueCode, message: string, severity: 'error' | 'warning' = 'error'): void {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  r.issues.push({ file: r.file, line: at.line, column: at.column, code, message: text, severity });
}

/** The article before a field name, as it is read aloud: "an `activities:` field", "a `name:` field". */
export const aOrAn = (word: string): string => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/** What a YAML node is, in the designer's words. */
export function describeNode(node: Node | null): string {
  if (node === null || (isScalar(node) && node.value === null)) return 'nothing';
  if (isMap(node)) return 'a block of `name: value` lines';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'number') return `the number ${v}`;
    if (typeof v === 'boolean') return `\`${String(v)}\``;
    return `the text "${String(v)}"`;
  }
  return 'something else';
}

export function isEmpty(node: Node | null): boolean {
  return node === null || (isScalar(node) && (node.value === null || node.value === ''));
}

/**
 * Reads a mapping, reporting keys it does not know (with did-you-mean) and
 * required keys that are missing. Returns undefined when the node is not a
 * mapping at all.
 */
export function readFields(
  r: Reader,
  node: Node | null,
  at: SourcePosition,
  what: string,
  allowed: readonly string[],
  required: readonly string[] = [],
): Fields | undefined {
  if (!isMap(node)) {
    report(r, positionOf(r, node, at), 'wrong-type', `${what} must be a block of \`name: value\` lines, but it is ${describeNode(node)}.`);
    return undefined;
  }
  const fields: Fields = new Map();
  const guessed = new Set<string>();
  misspelt.set(fields, guessed);
  for (const pair of node.items) {
    const keyNode = pair.key as Node | null;
    const keyPos = positionOf(r, keyNode, at);
    const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
    if (key === undefined) {
      report(r, keyPos, 'wrong-type', `${what} has a key that is not a plain word; write \`name: value\`.`);
      continue;
    }
    const value = (pair.value ?? null) as Node | null;
    if (!allowed.includes(key)) {
      const meant = didYouMean(key, allowed);
      if (meant !== undefined) guessed.add(meant);
      report(r, keyPos, 'unknown-field', `${what} has no field \`${key}\`.${suggestion(key, allowed) || ` The fields are: ${listOf(allowed, 20)}.`}`);
      continue;
    }
    fields.set(key, { key, keyPos, value, pos: positionOf(r, value, keyPos) });
  }
  for (const key of required) {
    if (!fields.has(key) && !guessed.has(key)) {
      report(r, positionOf(r, node, at), 'missing-field', `${what} needs ${aOrAn(key)} \`${key}:\` field.`);
    }
  }
  return fields;
}

/** The trimmed text of a string, number or boolean scalar; undefined for anything else or blank. */
function scalarText(node: Node | null): string | undefined {
  if (!isScalar(node)) return undefined;
  const v: unknown = node.value;
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
  const text = String(v).trim();
  return text === '' ? undefined : text;
}

/** A scalar as text (numbers are accepted and turned into text, e.g. `id: 2025`). */
export function readText(r: Reader, field: Field | undefined, what: string): string | undefined {
  if (field === undefined) return undefined;
  const node = field.value;
  const text = scalarText(node);
  if (text !== undefined) return text;
  report(r, field.pos, 'wrong-type', `${what} must be a word or sentence, but it is ${describeNode(node)}.`);
  return undefined;
}

export function readInteger(r: Reader, field: Field | undefined, what: string, min: number): number | undefined {
  if (field === undefined) return undefined;
  const v = isScalar(field.value) ? field.value.value : undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    report(r, field.pos, 'wrong-type', `${what} must be a whole number, but it is ${describeNode(field.value)}.`);
    return undefined;
  }
  if (v < min) {
    report(r, field.pos, 'invalid-value', `${what} must be at least ${min}, but it is ${v}.`);
    return undefined;
  }
  return v;
}

export function readNumber(r: Reader, field: Field | undefined, what: string): number | undefined {
  if (field === undefined) return undefined;
  const v = isScalar(field.value) ? field.value.value : undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    report(r, field.pos, 'wrong-type', `${what} must be a number of zero or more, but it is ${describeNode(field.value)}.`);
    return undefined;
  }
  return v;
}

export type Located = { value: string; pos: SourcePosition };

/** One word or a list of words: `category: sports` or `categories: [sports, art]`. */
export function readTextList(r: Reader, field: Field, what: string): Located[] | undefined {
  const node = field.value;
  if (isSeq(node)) {
    const out: Located[] = [];
    for (const item of node.items as Array<Node | null>) {
      const pos = positionOf(r, item, field.pos);
      const text = scalarText(item);
      if (text !== undefined) {
        out.push({ value: text, pos });
      } else {
        report(r, pos, 'wrong-type', `each entry of ${what} must be a single word, but one is ${describeNode(item)}.`);
      }
    }
    if (out.length === 0 && node.items.length === 0) {
      report(r, field.pos, 'empty-condition', `${what} is an empty list; name at least one, or remove the field.`);
    }
    return out;
  }
  const text = readText(r, field, what);
  return text === undefined ? undefined : [{ value: text, pos: field.pos }];
}

/** `{ lt: ..., en: ... }`: both languages are required. */
export function readLocalized(r: Reader, field: Field | undefined, what: string): LocalizedText | undefined {
  if (field === undefined) return undefined;
  if (isScalar(field.value) && typeof field.value.value === 'string') {
    report(r, field.pos, 'wrong-type', `${what} must be given in Lithuanian and English, e.g. \`{ lt: "...", en: "..." }\`, not as a single text.`);
    return undefined;
  }
  const fields = readFields(r, field.value, field.pos, what, ['lt', 'en'], ['lt', 'en']);
  if (fields === undefined) return undefined;
  const lt = readText(r, fields.get('lt'), `the Lithuanian (lt) ${what}`);
  const en = readText(r, fields.get('en'), `the English (en) ${what}`);
  return lt !== undefined && en !== undefined ? { lt, en } : undefined;
}

export function listItems(r: Reader, field: Field, what: string): Array<Node | null> {
  if (isSeq(field.value)) return field.value.items as Array<Node | null>;
  if (isEmpty(field.value)) return [];
  report(r, field.pos, 'wrong-type', `${what} must be a list (lines starting with \`- \`), but it is ${describeNode(field.value)}.`);
  return [];
}

const YAML_HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'The same field appears twice in one block; keep one of them.',
  BAD_INDENT: 'This line is indented differently from the lines around it; line it up with the other entries of its block (use spaces, not tabs).',
  TAB_AS_INDENT: 'Tabs cannot be used to indent YAML; use spaces.',
  MISSING_CHAR: 'A closing bracket or quote is missing.',
  BAD_SCALAR_START: 'A value cannot start with this character; put the value in quotes.',
  MULTILINE_IMPLICIT_KEY:
    'A line below this value is indented further, so YAML reads it as part of the value; line it up with the `name:` lines around it, or add the missing colon.',
  BLOCK_AS_IMPLICIT_KEY:
    'A line below this value is indented further, so YAML reads it as part of the value; line it up with the `name:` lines around it, or add the missing colon.',
  UNEXPECTED_TOKEN: 'Check the indentation and that every `name:` is followed by a space.',
  BAD_DIRECTIVE: 'Lines starting with `%` are not allowed here.',
  MULTIPLE_DOCS: 'A rule file holds one document; remove the `---` separator.',
};

/** A YAML syntax error in plain words, positioned where the mistake most likely is. */
export function reportYamlError(r: Reader, error: YAMLError, source: string): void {
  let offset = error.pos[0];
  const raw = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? 'YAML syntax error';
  let hint = YAML_HINTS[error.code] ?? 'Check the indentation, colons and quotes around this spot.';
  const closer = /end with an? ([}\]])/.exec(raw)?.[1];
  if (closer !== undefined) {
    // The parser notices a missing bracket where the next block starts; point at the bracket left open.
    const opener = closer === '}' ? '{' : '[';
    const open = unclosed(source, offset, opener, closer);
    if (open !== undefined) offset = open;
    hint = `The \`${opener}\` here is never closed: add \`${closer}\` at the end of the entry.`;
  } else if (error.code === 'DUPLICATE_KEY') {
    const key = /^[\w-]+/.exec(source.slice(offset))?.[0];
    if (key) hint = `\`${key}\` appears twice in the same block; keep one of them.`;
  } else if (source[offset] === '\n' || /^[ \t]/.test(source.slice(offset, offset + 1))) {
    while (offset < source.length && (source[offset] === ' ' || source[offset] === '\t')) offset++;
  }
  if (error.code === 'BAD_INDENT' && closer === undefined) {
    while (offset < source.length && source[offset] === ' ') offset++;
  }
  const { line, col } = r.lines.linePos(offset);
  if (error.code === 'MULTILINE_IMPLICIT_KEY' || error.code === 'BLOCK_AS_IMPLICIT_KEY') hint = overIndentedHint(source, line) ?? hint;
  if (raw.startsWith('Sequence item without')) hint = underIndentedHint(source, line) ?? hint;
  // One syntax error per line: the parser often reports the same slip twice.
  if (r.issues.some((i) => i.code === 'yaml-syntax' && i.line === line)) return;
  report(r, { line, column: col }, 'yaml-syntax', `The file is not valid YAML here: ${raw}. ${hint}`);
}

/**
 * Names the line that is indented too far (the first non-blank, non-comment
 * line after `line`) and the field it should line up with, when `line` holds
 * a `field: value`; the generic hint cannot say which of the lines around it.
 */
function overIndentedHint(source: string, line: number): string | undefined {
  const lines = source.split('\n');
  const here = /^(\s*(?:- )?)([\w-]+):/.exec(lines[line - 1] ?? '');
  if (!here) return undefined;
  for (let n = line; n < lines.length; n++) {
    const next = lines[n]!;
    if (next.trim() === '' || next.trim().startsWith('#')) continue;
    const key = /^\s*([\w-]+):/.exec(next)?.[1];
    const indent = next.length - next.trimStart().length;
    const column = here[1]!.length;
    if (indent <= column) return undefined;
    const what = key === undefined ? `line ${n + 1}` : `\`${key}:\` on line ${n + 1}`;
    return `${what} is indented further (${indent} spaces) than \`${here[2]}:\` here (${column}), so YAML reads it as part of this value; indent it ${column} spaces like \`${here[2]}:\`, or add the missing colon.`;
  }
  return undefined;
}

/**
 * Names the field above that `line` should line up with, when `line` starts
 * left of it inside the same list entry: YAML then reads `line` as a new
 * list item missing its `- `, and the generic hint (a missing bracket or
 * quote) points away from the mistake.
 */
function underIndentedHint(source: string, line: number): string | undefined {
  const lines = source.split('\n');
  const here = lines[line - 1] ?? '';
  const indent = here.length - here.trimStart().length;
  const key = /^\s*([\w-]+):/.exec(here)?.[1];
  for (let n = line - 2; n >= 0; n--) {
    const above = lines[n]!;
    if (above.trim() === '' || above.trim().startsWith('#')) continue;
    const field = /^(\s*(?:- +)?)([\w-]+):/.exec(above);
    if (!field) return undefined;
    const column = field[1]!.length;
    if (indent >= column) return undefined;
    const what = key === undefined ? 'This line' : `\`${key}:\``;
    return `${what} is indented less (${indent} spaces) than \`${field[2]}:\` on line ${n + 1} (${column}), so YAML reads it as a new list entry without its \`- \`; the fields of one entry must start at the same column: line it up with \`${field[2]}:\`.`;
  }
  return undefined;
}

/** Offset of the last `opener` before `offset` that has no matching `closer`. */
function unclosed(source: string, offset: number, opener: string, closer: string): number | undefined {
  let depth = 0;
  for (let i = Math.min(offset, source.length - 1); i >= 0; i--) {
    const ch = source[i];
    if (ch === closer) depth++;
    else if (ch === opener) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return undefined;
}

export type { Scalar };
