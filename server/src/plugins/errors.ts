/**
 * Every error leaves as `{"error": {"code", "message"}}` with a 4xx that says what was wrong, naming
 * the field; anything unexpected is a logged 500 without internals.
 */
import fp from 'fastify-plugin';
import type { FastifyError, FastifySchemaValidationError } from 'fastify';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, 'BAD_REQUEST', message);
export const notFound = (message: string) => new HttpError(404, 'NOT_FOUND', message);
export const conflict = (message: string) => new HttpError(409, 'CONFLICT', message);
export const unauthorized = (message = 'Login required') => new HttpError(401, 'UNAUTHORIZED', message);
export const forbidden = (message = 'Your role may not do this') => new HttpError(403, 'FORBIDDEN', message);

const CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
};

/**
 * A schema error as `<part>.<field path>: <what is wrong>`, the field first: a missing or unknown
 * field is named itself rather than its parent, and a value outside a list gets the list.
 */
export function validationMessage(
  first: FastifySchemaValidationError | undefined,
  where: string,
  fallback: string,
): string {
  if (!first) return `${where}: ${fallback}`;
  const path = first.instancePath
    .split('/')
    .slice(1)
    .map((step) => step.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = first.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
  let message = first.message ?? fallback;
  if (first.keyword === 'required' && params.missingProperty) {
    path.push(params.missingProperty);
    message = 'is required';
  } else if (first.keyword === 'additionalProperties' && params.additionalProperty) {
    path.push(params.additionalProperty);
    message = 'is not a field of this request';
  } else if (first.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    message = `must be one of ${params.allowedValues.join(', ')}`;
  }
  return `${[where, ...path].join('.')}: ${message}`;
}

export const errorsPlugin = fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error.validation) {
        const message = validationMessage(error.validation[0], error.validationContext ?? 'request', error.message);
        return reply.status(400).send({ error: { code: 'BAD_REQUEST', message } });
      }
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        const code = error instanceof HttpError ? error.code : (CODES[status] ?? 'BAD_REQUEST');
        const details = error instanceof HttpError && error.details !== undefined ? { details: error.details } : {};
        return reply.status(status).send({ error: { code, message: error.message, ...details } });
      }
      request.log.error({ err: error }, 'unhandled error');
      return reply.status(500).send({ error: { code: 'INTERNAL', message: 'Internal server error' } });
    });
  },
  { name: 'errors' },
);
