/** Chinese messages of the report area (merged into zh-CN.ts as `report`). */
export default {};
