import type zh from './imports.zh-CN';

/** English messages of the imports area, key for key as in imports.zh-CN.ts. */
const en: typeof zh = {};
export default en;
