import type zh from './scenarios.zh-CN';

/** English messages of the scenarios area, key for key as in scenarios.zh-CN.ts. */
const en: typeof zh = {};
export default en;
