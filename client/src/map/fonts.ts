/**
 * Labels are drawn in the browser from local fonts (the style has no `glyphs` URL), so Chinese renders
 * offline. maplibre takes the weight from the first name of the stack.
 */
const FAMILIES = ['Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'sans-serif'];
export const FONT_REGULAR = ['Noto Sans CJK SC Regular', ...FAMILIES];
export const FONT_BOLD = ['Noto Sans CJK SC Bold', ...FAMILIES];
