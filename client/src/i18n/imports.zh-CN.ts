/** Chinese messages of the imports area (merged into zh-CN.ts as `imports`). */
export default {};
