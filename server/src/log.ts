/**
 * One structured logger for the server, the CLI's diagnostics and the background work (the live stream,
 * the clock, timers): pino, the logger Fastify itself uses, at LOG_LEVEL.
 */
import pino from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What background modules need of a logger; pino's and Fastify's loggers both satisfy it. */
export interface Log {
  error(context: object, message: string): void;
  warn(context: object, message: string): void;
  info(context: object, message: string): void;
}

export function createLogger(level: LogLevel): pino.Logger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** Errors as log context: message and stack, which JSON.stringify of an Error would drop. */
export function errorContext(err: unknown, context: object = {}): object {
  return { ...context, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) };
}
