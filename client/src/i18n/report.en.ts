import type zh from './report.zh-CN';

/** English messages of the report area, key for key as in report.zh-CN.ts. */
const en: typeof zh = {};
export default en;
