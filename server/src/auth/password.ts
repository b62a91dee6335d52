/**
 * Password hashing with scrypt (node:crypto), stored as `scrypt$N$r$p$salt$hash` (base64url), so each
 * hash carries its own cost: older hashes still verify, and `needsRehash` tells the login to store a
 * new one at the current cost.
 *
 * The cost is OWASP's scrypt recommendation, N = 2^17, r = 8, p = 1: about 330-400 ms and 128 MB per
 * hash on this 2-core machine (2^14 took 35-80 ms). It runs in libuv's threadpool through the async
 * `crypto.scrypt`, never `scryptSync`, so the event loop stays free (a 4 ms longest pause measured
 * during one hash), and at most two run at once, so logins cannot take every pool thread or more than
 * 256 MB between them.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const SCRYPT_PARAMS: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;
/** Hashes computed at once; the rest wait their turn. */
const CONCURRENCY = 2;

let running = 0;
const waiting: (() => void)[] = [];

async function scrypt(password: string, salt: Buffer, keylen: number, params: ScryptParams): Promise<Buffer> {
  if (running >= CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  // scrypt needs 128·N·r bytes; Node refuses above `maxmem` (32 MB by default), so allow twice that.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 };
  try {
    return await new Promise((resolve, reject) =>
      scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
    );
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** The cost stored in a hash, or null when it is not one of ours or asks for more than we ever use. */
function parse(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const powerOfTwo = Number.isInteger(N) && N >= 2 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > 2 ** 20 || !Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p !== 1)
    return null;
  return { params: { N, r, p }, salt: Buffer.from(parts[4], 'base64url'), key: Buffer.from(parts[5], 'base64url') };
}

export async function hashPassword(password: string, params: ScryptParams = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const hash = parse(stored);
  if (!hash || hash.key.length === 0) return false;
  const key = await scrypt(password, hash.salt, hash.key.length, hash.params);
  return timingSafeEqual(key, hash.key);
}

/** Whether a hash that just verified was made at another cost than today's, and should be replaced. */
export function needsRehash(stored: string): boolean {
  const hash = parse(stored);
  return (
    !hash || hash.params.N !== SCRYPT_PARAMS.N || hash.params.r !== SCRYPT_PARAMS.r || hash.params.p !== SCRYPT_PARAMS.p
  );
}

/** A password for generated accounts: 16 characters from an alphabet without look-alikes. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(16);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}
