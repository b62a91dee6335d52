/**
 * What every request must satisfy before its route's schema, so SQLite and PostgreSQL answer alike:
 *
 * - JSON bodies are validated as sent, without coercion (`"title": 1.5`, `"stationId": "12"` are 400);
 *   query strings, path parameters and headers are text, which ajv coerces to the schema's types.
 * - A numeric field in a query string or path is written as a finite decimal, integers in digits
 *   without leading zeros. ajv would coerce `Infinity`, `1e400`, `0x1`, `1e3` and ` 1` into numbers,
 *   and it skips minimum and maximum for a non-finite one, so they are refused before it runs.
 * - No NUL character (U+0000) in any parameter, query field or body string: PostgreSQL cannot store
 *   one in text and SQLite can.
 *
 * Errors name the field first, as every validation error does (`body.name: contains a NUL character`).
 */
import { AjvCompiler } from '@fastify/ajv-compiler';
import type {
  FastifyReply,
  FastifyRequest,
  FastifySchemaValidationError,
  FastifyServerOptions,
  HookHandlerDoneFunction,
} from 'fastify';
import fp from 'fastify-plugin';
import { badRequest } from './errors.js';

type Schema = Record<string, any>;
type Validate = (data: unknown, context?: unknown) => boolean | Promise<unknown>;
type ValidateWithErrors = Validate & { errors?: FastifySchemaValidationError[] | null };
interface RouteSchema {
  schema: Schema;
  method: string;
  url: string;
  httpPart?: string;
}
type CompilerFromPool = (externalSchemas: unknown, options: unknown) => (route: RouteSchema) => ValidateWithErrors;

/** As Fastify's defaults, but additional fields are refused rather than silently dropped. */
const AJV_OPTIONS = { removeAdditional: false, allErrors: false, useDefaults: true } as const;
/** Keywords the document carries for readers and tests, which validation ignores. */
const ANNOTATIONS = ['x-column'];
const declareAnnotations = (ajv: { addKeyword: (definition: { keyword: string }) => unknown }) => {
  for (const keyword of ANNOTATIONS) ajv.addKeyword({ keyword });
};

/**
 * Fastify's validator factory (`schemaController.compilersFactory.buildValidator`): two ajv instances
 * from Fastify's own compiler pool, one without coercion for bodies and one with coercion (and
 * one-element arrays) for the text parts, whose numeric fields are checked as text first.
 */
export const buildValidator = ((externalSchemas: unknown) => {
  const pool = AjvCompiler() as unknown as CompilerFromPool;
  const plugins = [declareAnnotations];
  const json = pool(externalSchemas, { customOptions: { ...AJV_OPTIONS, coerceTypes: false }, plugins });
  const text = pool(externalSchemas, { customOptions: { ...AJV_OPTIONS, coerceTypes: 'array' }, plugins });
  return (route: RouteSchema) => (route.httpPart === 'body' ? json(route) : numbersAsText(route.schema, text(route)));
}) as unknown as ValidatorFactory;
type ValidatorFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>['buildValidator'];

type NumberKind = 'integer' | 'number';

/** The JSON types a schema admits, or null when it does not say (or admits anything). */
function typesOf(schema: unknown): string[] | null {
  if (!schema || typeof schema !== 'object') return null;
  const s = schema as Schema;
  const members = s.anyOf ?? s.oneOf;
  if (Array.isArray(members)) {
    const all = members.map(typesOf);
    return all.some((t) => t === null) ? null : (all.flat() as string[]);
  }
  if (s.type === undefined) return null;
  return Array.isArray(s.type) ? s.type : [s.type];
}

/** 'integer' or 'number' when a field admits only numbers (or null, or an array of them); else null. */
export function numberKindOf(schema: unknown): NumberKind | null {
  const types = typesOf(schema)?.filter((t) => t !== 'null');
  if (!types?.length) return null;
  if (types.length === 1 && types[0] === 'array') return numberKindOf((schema as Schema).items);
  if (!types.every((t) => t === 'integer' || t === 'number')) return null;
  return types.every((t) => t === 'integer') ? 'integer' : 'number';
}

const INTEGER_TEXT = /^-?(0|[1-9][0-9]*)$/;
const NUMBER_TEXT = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

const shown = (text: string) => JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}…` : text);

/** Why `text` is not a number of this kind as a query string or path should write it, or null. */
export function numberTextProblem(text: string, kind: NumberKind, schema: Schema = {}): string | null {
  const range =
    typeof schema.minimum === 'number' && typeof schema.maximum === 'number'
      ? ` from ${schema.minimum} to ${schema.maximum}`
      : '';
  if (kind === 'integer' && !INTEGER_TEXT.test(text))
    return `must be an integer${range} in decimal digits without leading zeros, got ${shown(text)}`;
  if (kind === 'number' && !NUMBER_TEXT.test(text)) return `must be a decimal number${range}, got ${shown(text)}`;
  if (!Number.isFinite(Number(text))) return `must be a finite number${range}, got ${shown(text)}`;
  return null;
}

/** An error in ajv's shape, so the error handler words it like any other validation error. */
const issue = (field: string, message: string): FastifySchemaValidationError => ({
  keyword: 'numberText',
  instancePath: `/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`,
  schemaPath: `#/properties/${field}`,
  params: {},
  message,
});

/** Wraps the validator of a text part so its numeric fields are checked as written, before coercion. */
function numbersAsText(schema: Schema | undefined, validate: ValidateWithErrors): Validate {
  const fields = Object.entries((schema?.properties ?? {}) as Record<string, Schema>).flatMap(([name, field]) => {
    const kind = numberKindOf(field);
    return kind ? [{ name, kind, field: (field.type === 'array' ? field.items : field) as Schema }] : [];
  });
  if (fields.length === 0) return validate;
  return (data, context) => {
    if (data && typeof data === 'object') {
      for (const { name, kind, field } of fields) {
        const raw = (data as Record<string, unknown>)[name];
        for (const text of Array.isArray(raw) ? raw : [raw]) {
          const problem = typeof text === 'string' ? numberTextProblem(text, kind, field) : null;
          if (problem) return { error: [issue(name, problem)] } as never;
        }
      }
    }
    // Fastify reads a false answer's errors from the function it was given: hand ajv's over.
    return validate(data, context) || ({ error: validate.errors } as never);
  };
}

/**
 * Where the first NUL character in a request part is, as the error should say it: `body.add.0.name`,
 * or `querystring: a field name` for a NUL in a key. Walks with a stack: a JSON body may nest deep.
 */
export function findNul(value: unknown, root: string): string | null {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return `${path}: contains`;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}.${i}`]);
    } else if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
      const entries = Object.entries(v);
      if (entries.some(([key]) => key.includes('\u0000'))) return `${path}: a field name contains`;
      for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i][1], `${path}.${entries[i][0]}`]);
    }
  }
  return null;
}

function refuseNul(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
  const at =
    findNul(request.params, 'params') ?? findNul(request.body, 'body') ?? findNul(request.query, 'querystring');
  done(at === null ? undefined : badRequest(`${at} a NUL character`));
}

/** The NUL rule for every route, schema or not (the validator factory above is set in app.ts). */
export const inputRulesPlugin = fp(
  async (app) => {
    app.addHook('preValidation', refuseNul);
  },
  { name: 'input-rules' },
);
