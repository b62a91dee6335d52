/**
 * What an import says, as codes with parameters, rendered in the reader's language: Chinese (the page's
 * default), English for an English page, and English with the command's own flag names for the CLI
 * (`cli`). The page never reads about a command-line flag.
 */

export type Lang = 'zh-CN' | 'en' | 'cli';
export type Params = Record<string, string | number | null>;

/** The language of an HTTP request from its Accept-Language (the page sends its locale): Chinese unless English comes first. */
export function langOf(acceptLanguage: string | undefined): Lang {
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh-CN';
}

/** A file's columns as each language names them. */
const COLUMN: Record<string, [zh: string, en: string]> = {
  name: ['名称', '名称 name'],
  level: ['级别', '级别 level'],
  township: ['乡镇/街道', '乡镇/街道 township'],
  village: ['村/社区', '村/社区 village'],
  lon: ['经度', '经度 lon'],
  lat: ['纬度', '纬度 lat'],
  address: ['地址', '地址 address'],
  phone: ['联系电话', '联系电话 phone'],
  hours: ['开放时间', '开放时间 hours'],
  services: ['服务项目', '服务项目 services'],
  description: ['简介', '简介 description'],
  contact: ['联系人', '联系人 contact'],
  population: ['人口', '人口 population'],
  code: ['代码', 'code'],
  geometry: ['几何图形', 'geometry'],
  properties: ['属性', 'properties'],
};
const col = (field: unknown, lang: Lang) => {
  const names = COLUMN[String(field)];
  return names ? names[lang === 'zh-CN' ? 0 : 1] : String(field);
};

const CRS_NAMES: Record<string, [zh: string, en: string]> = {
  wgs84: ['WGS-84（GPS）', 'WGS-84 (GPS)'],
  gcj02: ['GCJ-02（高德/腾讯）', 'GCJ-02 (AMap/Tencent)'],
  bd09: ['BD-09（百度）', 'BD-09 (Baidu)'],
};
const crsName = (crs: unknown, lang: Lang) => CRS_NAMES[String(crs)]?.[lang === 'zh-CN' ? 0 : 1] ?? String(crs);

type Text = (p: Params, lang: Lang) => string;
/** Each message: [Chinese, English, CLI (when it differs from the English)]. */
const CATALOG = {
  // Rows
  'value.missing': [(p, l) => `缺少${col(p.field, l)}`, (p, l) => `${col(p.field, l)} is missing`],
  'value.tooLong': [
    (p, l) => `${col(p.field, l)}超过 ${p.max} 个字符`,
    (p, l) => `${col(p.field, l)} is longer than ${p.max} characters`,
  ],
  'level.unknown': [
    (p) => `级别“${p.value}”不是 中心/实践所/实践站/实践点 之一`,
    (p) => `级别 level "${p.value}" is not one of 中心/实践所/实践站/实践点 (center/institute/station/point)`,
  ],
  'township.unknown': [
    (p) => `乡镇/街道“${p.value}”不在已导入的乡镇中`,
    (p) => `乡镇/街道 township "${p.value}" is not among the imported townships`,
  ],
  'township.close': [
    (p) => `乡镇/街道“${p.value}”不在已导入的乡镇中，您是否指“${p.suggestion}”？`,
    (p) => `乡镇/街道 township "${p.value}" is not among the imported townships; did you mean "${p.suggestion}"?`,
  ],
  'township.fixed': [
    (p) => `乡镇/街道“${p.value}”已按建议改为“${p.suggestion}”`,
    (p) => `乡镇/街道 township "${p.value}" read as "${p.suggestion}", as suggested`,
  ],
  'village.unknown': [
    (p) => `村/社区“${p.value}”在${p.township}中找不到，站点将不关联村/社区`,
    (p) =>
      `村/社区 village "${p.value}" matches no village or community of ${p.township}; the station is imported without one`,
  ],
  'coord.notPoint': [
    (p) => `几何图形是 ${p.type}，这里需要点（Point），或填写经度、纬度属性`,
    (p) => `geometry: a ${p.type}, where a Point (or lon and lat properties) is expected`,
  ],
  'coord.invalid': [
    (p, l) => `${col(p.field, l)}“${p.value}”不是 ±${p.max} 以内的数字`,
    (p, l) => `${col(p.field, l)} "${p.value}" is not a number within ±${p.max}`,
  ],
  'coord.swapped': [
    (p) => `经度和纬度填反了：（${p.lon}, ${p.lat}）交换后位于${p.township}，请交换经度、纬度两列`,
    (p) =>
      `longitude and latitude are swapped: (${p.lon}, ${p.lat}) swapped lies in ${p.township}; swap the two columns`,
  ],
  'coord.swappedFixed': [
    (p) => `经度、纬度已按建议交换：（${p.lon}, ${p.lat}）`,
    (p) => `longitude and latitude swapped as suggested: (${p.lon}, ${p.lat})`,
  ],
  'coord.crs': [
    (p, l) =>
      `坐标看起来是 ${crsName(p.crs, l)}坐标${p.actual ? `（按 WGS-84 读位于${p.actual}，不在${p.township}）` : ''}，请在上方选择坐标系`,
    (p, l) =>
      `the coordinates look like ${crsName(p.crs, l)}${p.actual ? ` (read as WGS-84 they lie in ${p.actual}, not in ${p.township})` : ''}: choose that coordinate system above`,
    (p, l) =>
      `(${p.lon}, ${p.lat}) lies ${p.actual ? `in ${p.actual}` : 'outside every township'}${p.township ? `, not in ${p.township}` : ''}; it looks like ${crsName(p.crs, l)}: import with --crs ${p.crs}`,
  ],
  'coord.elsewhere': [
    (p) => `坐标（${p.lon}, ${p.lat}）${p.actual ? `位于${p.actual}` : '不在任何乡镇内'}，不在${p.township}`,
    (p) => `(${p.lon}, ${p.lat}) lies ${p.actual ? `in ${p.actual}` : 'outside every township'}, not in ${p.township}`,
  ],
  'coord.outside': [
    (p) => `坐标（${p.lon}, ${p.lat}）不在任何乡镇内`,
    (p) => `(${p.lon}, ${p.lat}) lies outside every township`,
  ],
  'phone.invalid': [
    (p) => `联系电话“${p.value}”不是电话号码`,
    (p) => `联系电话 phone "${p.value}" is not a phone number`,
  ],
  'services.unknown': [
    (p) => `服务项目“${p.value}”不是已知的类别（如 理论宣讲、文化文艺、卫生健康）`,
    (p) => `服务项目 services: "${p.value}" is not a known category`,
  ],
  'hours.converted': [
    (p) => `开放时间“${p.value}”将存为 ${p.hours}`,
    (p) => `开放时间 hours "${p.value}" will be stored as ${p.hours}`,
  ],
  'hours.unreadable': [
    (p) =>
      p.why
        ? `开放时间“${p.value}”：${p.why}`
        : `开放时间“${p.value}”无法识别，可写成“周一至周五 9:00-17:00；周六 9:00-12:00；节假日休息”或 Mo-Fr 09:00-17:00; Sa 09:00-12:00; PH off`,
    (p) =>
      `开放时间 hours "${p.value}" are not understood: write them like 周一至周五 9:00-17:00；节假日休息 or in OSM opening_hours syntax, e.g. Mo-Fr 09:00-17:00; Sa 09:00-12:00; PH off`,
  ],
  'name.duplicate': [
    (p) => `名称“${p.name}”在${p.township}中出现两次（另见第 ${p.other} 行）`,
    (p) => `名称 name "${p.name}" appears twice in ${p.township} (also row ${p.other})`,
  ],
  'population.invalid': [
    (p) => `人口“${p.value}”不是整数人数`,
    (p) => `人口 population "${p.value}" is not a whole number of people`,
  ],
  // Boundaries (features)
  'feature.notFeature': [
    (p) => `第 ${p.row} 个要素不是 GeoJSON Feature（而是 ${p.kind}）`,
    (p) => `feature ${p.row} is not a GeoJSON Feature (it is ${p.kind})`,
  ],
  'feature.problem': [
    (p) => `第 ${p.row} 个要素${p.name ? `（${p.name}）` : ''}：${p.detail}`,
    (p) => `feature ${p.row}${p.name ? ` (${p.name})` : ''}: ${p.detail}`,
  ],
  'region.nameTwice': [
    (p) => `名称 ${p.name} 出现两次（另见第 ${p.other} 个要素）`,
    (p) => `name ${p.name} appears twice (also feature ${p.other})`,
  ],
  'region.codeInvalid': [
    (p) => `代码“${p.value}”不是 12 位统计用区划代码`,
    (p) => `code "${p.value}" is not a 12-digit statistics code`,
  ],
  'region.codeTwice': [
    (p) => `代码 ${p.value} 出现两次（另见第 ${p.other} 个要素）`,
    (p) => `code ${p.value} appears twice (also feature ${p.other})`,
  ],
  'region.codeTaken': [
    (p) => `代码 ${p.value} 已是一个${p.level === 'village' ? '村/社区' : '区县'}，不是乡镇`,
    (p) => `code ${p.value} is already a ${p.level}, not a township`,
  ],
  'region.nameTaken': [
    (p) => `名称 ${p.name} 已是乡镇 ${p.code} 的名称`,
    (p) => `name ${p.name} is already township ${p.code}'s`,
  ],
  'region.nameLong': [
    (p) => `名称有 ${p.length} 个字符，最多 ${p.max} 个`,
    (p) => `name is ${p.length} characters long; at most ${p.max}`,
  ],
  'region.control': [() => '名称含有控制字符', () => 'name contains a control character'],
  'region.outside': [
    (p) => `超出${p.what === 'district' ? '区县范围' : '路网范围'} ${p.km} 公里（${p.box}）`,
    (p) => {
      const what = p.what === 'district' ? 'the district' : 'the street network';
      return `lies outside ${what}: it reaches ${p.km} km beyond ${what}'s extent (${p.box})`;
    },
  ],
  'region.farAway': [
    (p) => `距各乡镇的中部（${p.lon}, ${p.lat}）${p.km} 公里，同一区县的乡镇须在 ${p.max} 公里之内`,
    (p) =>
      `reaches ${p.km} km from the middle of the townships (${p.lon}, ${p.lat}); a district's townships must lie within ${p.max} km of it`,
  ],
  'region.geometry': [(p) => `边界图形有误：${p.detail}`, (p) => `${p.detail}`],
  'region.counties': [
    (p) => `一个文件中有多个区县的乡镇（${p.counties}）`,
    (p) => `townships of more than one county (${p.counties}) in one file`,
  ],
  // Whole files
  'rows.invalid': [
    (p) => `${p.total} 行中有 ${p.invalid} 行有误，未导入任何数据`,
    (p) => `${p.invalid} of ${p.total} rows are invalid; nothing was imported`,
  ],
  'features.invalid': [
    (p) => `${p.total} 个要素中有 ${p.invalid} 个有误，未导入任何数据`,
    (p) => `${p.invalid} of ${p.total} features are invalid; nothing was imported`,
  ],
  'features.unreadable': [
    (p) => `GeoJSON：${p.total} 个要素中有 ${p.invalid} 个无法读取，未导入任何数据`,
    (p) => `GeoJSON: ${p.invalid} of ${p.total} features are unreadable; nothing was imported`,
  ],
  'file.noRows': [() => '文件中没有可导入的行', () => 'No rows to import'],
  'file.noFeatures': [() => '文件中没有可导入的要素', () => 'No features to import'],
  'file.empty': [() => '文件是空的', () => 'The file is empty'],
  'file.noTownships': [
    () => '还没有乡镇边界：请先导入乡镇边界',
    () => 'No township boundaries yet: import them first',
    () => 'No township boundaries yet: import them first (import-regions)',
  ],
  'file.type': [
    (p) => `${p.name}：无法识别的文件类型，应为 .csv、.xlsx 或 .geojson`,
    (p) => `${p.name}: unknown file type; expected .csv, .xlsx or .geojson`,
  ],
  'file.encoding': [
    () => 'CSV 既不是 UTF-8 也不是 GBK/GB18030 编码，请在 Excel 中另存为“CSV UTF-8”后重试',
    () => 'The CSV is neither UTF-8 nor GBK/GB18030: save it as "CSV UTF-8" and try again',
  ],
  'file.regionsGeojson': [
    () => '乡镇边界须为 GeoJSON（属性 name、code）',
    () => 'Township boundaries come as GeoJSON (properties name, code)',
  ],
  'file.tooManyFeatures': [
    (p) => `文件有 ${p.count} 个要素，边界文件最多 ${p.max} 个`,
    (p) => `The file has ${p.count} features; a boundary file may have at most ${p.max}`,
  ],
  'file.tooManyVertices': [
    (p) => `文件共有 ${p.count} 个坐标点，边界文件最多 ${p.max} 个（请先简化，例如 mapshaper -simplify 10%）`,
    (p) =>
      `The file has ${p.count} positions in all; a boundary file may have at most ${p.max} (simplify it, e.g. mapshaper -simplify 10%)`,
  ],
  'file.unplaced': [
    (p) =>
      `未导入任何数据：${p.count} 个站点将不属于任何乡镇：${p.list}${p.more}。请把包含它们的乡镇加入文件，或先移动或删除这些站点`,
    (p) =>
      `Nothing was imported: ${p.count} station${p.count === 1 ? '' : 's'} would be left in no township: ${p.list}${p.more}. ` +
      'Add the townships that contain them to the file, or move or delete those stations first',
  ],
  'header.twice': [
    (p) => `第 ${p.row} 行：表头 ${p.detailZh} 重复出现，每个列名只能出现一次`,
    (p) => `row ${p.row}: ${p.detail}: keep one of each`,
  ],
  'header.looksLikeData': [
    (p) => `第 ${p.row} 行像是数据而不是表头（${p.shown}）：第一行须是列名，例如 ${p.expected}`,
    (p) =>
      `row ${p.row} looks like data, not a header row (${p.shown}): the first row must name the columns, e.g. ${p.expected}`,
  ],
  'header.missing': [
    (p) => `第 ${p.row} 行：缺少列 ${p.missing}；表头现有 ${p.has || '（无）'}，需要 ${p.expected}`,
    (p) => `row ${p.row}: no column ${p.missingEn}; the header row has ${p.has || 'nothing'} and needs ${p.expected}`,
  ],
  'limit.rows': [
    (p) => `第 ${p.row} 行：表头以下超过 ${p.max} 行，每个文件最多 ${p.max} 行（请拆分文件）`,
    (p) =>
      `row ${p.row}: more than ${p.max} rows below the header; the limit is ${p.max} rows per file (split the file)`,
  ],
  'limit.features': [
    (p) => `GeoJSON：${p.count} 个要素，每个文件最多 ${p.max} 个（请拆分文件）`,
    (p) => `GeoJSON: ${p.count} features; the limit is ${p.max} per file (split the file)`,
  ],
  'limit.columns': [
    (p) => `第 ${p.row} 行有 ${p.count} 列，最多 ${p.max} 列（分隔符是逗号吗？）`,
    (p) => `row ${p.row} has ${p.count} columns; the limit is ${p.max} (is the delimiter a comma?)`,
  ],
  'limit.cell': [
    (p) => `第 ${p.row} 行${p.column ? `、列 ${p.column}` : ''}：单元格有 ${p.count} 个字符，最多 ${p.max} 个`,
    (p) =>
      `row ${p.row}${p.column ? `, column ${p.column}` : ''}: a cell of ${p.count} characters; the limit is ${p.max}`,
  ],
  'limit.file': [
    (p) => `文件大小 ${p.mb} MB，最多 ${p.max} MB`,
    (p) => `The file is ${p.mb} MB; the limit is ${p.max} MB`,
  ],
  'file.unreadable': [
    (p) => `无法读取的 ${p.format}${p.row ? `（第 ${p.row} 行）` : ''}：${p.detail}`,
    (p) => `Unreadable ${p.format}${p.row ? ` at row ${p.row}` : ''}: ${p.detail}`,
  ],
  'file.notCollection': [
    (p) => `GeoJSON：需要带 features 数组的 FeatureCollection，而不是 ${p.kind}`,
    (p) => `GeoJSON: expected a FeatureCollection with a features array, not ${p.kind}`,
  ],
} satisfies Record<string, [Text, Text, Text?]>;

export type MessageCode = keyof typeof CATALOG;

/** A code's message in a language. */
export function render(code: MessageCode, params: Params, lang: Lang): string {
  const texts = CATALOG[code] as [Text, Text, Text?];
  const text = lang === 'zh-CN' ? texts[0] : lang === 'cli' ? (texts[2] ?? texts[1]) : texts[1];
  return text(params, lang);
}

/** The fixes an import applies when asked (`?fix=`): columns swapped back, a township name's near miss. */
export const IMPORT_FIXES = ['swap', 'township'] as const;
export type ImportFix = (typeof IMPORT_FIXES)[number];

/** A fix the importer can apply when asked (`?fix=swap,township`), or one the planner makes in the page (crs). */
export interface Suggestion {
  fix: 'swap' | 'township' | 'crs';
  /** The value it would use: "lon,lat" swapped, the township's name, the coordinate system. */
  value: string;
}

/** One thing said about one row: an error (the row cannot be imported), a warning, or a note (info). */
export interface Problem {
  row: number;
  /** The column or property concerned (`lon`, `township`, `hours`…), null for the row as a whole. */
  field: string | null;
  code: MessageCode;
  params: Params;
  severity: 'error' | 'warning' | 'info';
  suggestion?: Suggestion;
}

/** A problem as the API answers it: with its message in the request's language. */
export type RenderedProblem = Problem & { message: string };

/** A boundary file's problems name their feature (`params.feature`, `params.featureName`) first. */
export function featurePrefix(params: Params, lang: Lang): string {
  if (params.feature === undefined || params.feature === null) return '';
  const name = params.featureName ? String(params.featureName) : '';
  return lang === 'zh-CN'
    ? `第 ${params.feature} 个要素${name ? `（${name}）` : ''}：`
    : `feature ${params.feature} (${name || 'no name'}): `;
}

export const renderProblem = (p: Problem, lang: Lang): RenderedProblem => ({
  ...p,
  message: featurePrefix(p.params, lang) + render(p.code, p.params, lang),
});
