/** Chinese messages of the scenarios area (merged into zh-CN.ts as `scenarios`). */
export default {};
