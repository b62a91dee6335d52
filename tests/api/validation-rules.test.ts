/**
 * The input rules of plugins/input-rules.ts on a small app of their own: coercion in query strings
 * (arrays included) but not in bodies, numbers written as decimals, NUL characters found however deep,
 * and error messages that name the field first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { errorsPlugin } from '../../server/src/plugins/errors.js';
import { buildValidator, findNul, inputRulesPlugin, numberTextProblem } from '../../server/src/plugins/input-rules.js';
import { Id, Stored } from '../../server/src/routes/schemas.js';

describe('input rules', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify({ schemaController: { compilersFactory: { buildValidator } } });
    await app.register(errorsPlugin);
    await app.register(inputRulesPlugin);
    const echo = async (request: { query?: unknown; body?: unknown; params?: unknown }) => ({
      query: request.query,
      body: request.body,
      params: request.params,
    });
    app.get(
      '/q/:id',
      {
        schema: {
          params: Type.Object({ id: Id }),
          querystring: Type.Object(
            {
              ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 10 }))),
              x: Type.Optional(Type.Number({ minimum: -1, maximum: 1 })),
              on: Type.Optional(Type.Boolean()),
              mode: Type.Optional(Type.String({ enum: ['walk', 'bike'] })),
            },
            { additionalProperties: false },
          ),
        },
      },
      echo,
    );
    app.post(
      '/b',
      {
        schema: {
          body: Type.Object(
            {
              n: Type.Optional(Type.Number({ minimum: 0, maximum: 10 })),
              name: Type.Optional(Stored('regions.name')),
              list: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 10 }))),
              on: Type.Optional(Type.Boolean()),
              deep: Type.Optional(Type.Unknown()),
              at: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
              need: Type.Optional(Type.Object({ a: Type.String({ maxLength: 5 }) })),
            },
            { additionalProperties: false },
          ),
        },
      },
      echo,
    );
    await app.ready();
  });
  afterAll(async () => app?.close());

  const message = async (url: string, payload?: unknown) => {
    const res = await app.inject({ method: payload === undefined ? 'GET' : 'POST', url, payload: payload as never });
    expect(res.statusCode, `${url} ${res.body}`).toBe(400);
    return res.json().error.message as string;
  };

  it('coerces query strings and path parameters, arrays included', async () => {
    const res = await app.inject('/q/7?ids=1&ids=2&x=-0.5&on=true');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ params: { id: 7 }, query: { ids: [1, 2], x: -0.5, on: true } });
    expect((await app.inject('/q/7?ids=3')).json().query.ids).toEqual([3]);
    expect((await app.inject('/q/7?x=1e-7')).json().query.x).toBe(1e-7);
  });

  it('refuses numbers that are not written as finite decimals, in each element of a query array', async () => {
    expect(await message('/q/0x1')).toBe(
      'params.id: must be an integer from 1 to 2147483647 in decimal digits without leading zeros, got "0x1"',
    );
    expect(await message('/q/7?ids=1&ids=01')).toMatch(/^querystring\.ids: must be an integer from 1 to 10/);
    expect(await message('/q/7?x=Infinity')).toBe(
      'querystring.x: must be a decimal number from -1 to 1, got "Infinity"',
    );
    expect(await message(`/q/7?x=1${'0'.repeat(400)}`)).toMatch(
      /^querystring\.x: must be a finite number from -1 to 1/,
    );
    expect(await message('/q/7?x=2')).toBe('querystring.x: must be <= 1');
    expect(await message('/q/2147483648')).toBe('params.id: must be <= 2147483647');
  });

  it('validates JSON bodies as sent', async () => {
    expect(
      (await app.inject({ method: 'POST', url: '/b', payload: { n: 1.5, list: [1], on: false } })).statusCode,
    ).toBe(200);
    expect(await message('/b', { n: '1' })).toBe('body.n: must be number');
    expect(await message('/b', { name: 1 })).toBe('body.name: must be string');
    expect(await message('/b', { list: 1 })).toBe('body.list: must be array');
    expect(await message('/b', { list: ['1'] })).toBe('body.list.0: must be integer');
    expect(await message('/b', { on: 'true' })).toBe('body.on: must be boolean');
    expect(await message('/b', { name: '字'.repeat(101) })).toBe('body.name: must NOT have more than 100 characters');
    expect(await message('/b', { at: '2026-11-24 09:00' })).toBe('body.at: must match format "date-time"');
  });

  it('names a missing or unknown field itself, and lists the allowed values', async () => {
    expect(await message('/b', { need: {} })).toBe('body.need.a: is required');
    expect(await message('/b', { other: 1 })).toBe('body.other: is not a field of this request');
    expect(await message('/q/7?mode=run')).toBe('querystring.mode: must be one of walk, bike');
  });

  it('refuses a NUL character in paths, queries, bodies and field names, however deep', async () => {
    expect(await message('/q/1%00')).toBe('params.id: contains a NUL character');
    expect(await message('/q/7?mode=walk%00')).toBe('querystring.mode: contains a NUL character');
    expect(await message('/b', { name: 'a\u0000b' })).toBe('body.name: contains a NUL character');
    expect(await message('/b', { deep: { 'a\u0000': 1 } })).toBe('body.deep: a field name contains a NUL character');
    let deep = '"\\u0000"';
    for (let i = 0; i < 100_000; i++) deep = `[${deep}]`;
    const res = await app.inject({
      method: 'POST',
      url: '/b',
      headers: { 'content-type': 'application/json' },
      payload: `{"deep": ${deep}}`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^body\.deep\.0\.0\.0.*: contains a NUL character$/);
    expect(findNul({ a: [{ b: 'ok' }, { c: 'x\u0000' }] }, 'body')).toBe('body.a.1.c: contains');
    expect(findNul(Buffer.from([0, 0]), 'body')).toBeNull();
  });

  it('reads the grammar of numbers as the query string writes them', () => {
    for (const ok of ['0', '-0', '7', '2147483647']) expect(numberTextProblem(ok, 'integer'), ok).toBeNull();
    for (const bad of ['', '01', '+1', '1.0', '1e3', '0x1', ' 1', '1 ', 'Infinity', 'NaN', '1_000'])
      expect(numberTextProblem(bad, 'integer'), bad).not.toBeNull();
    for (const ok of ['0', '-12.5', '116.3975', '1e-7', '2.5E+3'])
      expect(numberTextProblem(ok, 'number'), ok).toBeNull();
    for (const bad of ['.5', '5.', '-', 'Infinity', '-Infinity', 'NaN', '1e400', '0x1f', '１'])
      expect(numberTextProblem(bad, 'number'), bad).not.toBeNull();
  });
});
