/**
 * The practice network on top of the demo district: one centre, an institute per township, stations at
 * most communities and villages (not all: real gaps), about fifty points, volunteer teams, and 90 days
 * of activities with a weekly rhythm, a few of them running now.
 */
import { SERVICE_CATEGORIES, type ServiceCategory, type StationLevel } from '../db/schema.js';
import { GIVEN_NAMES, POINT_SITES, RURAL_POINT_SITES, SURNAMES } from './names.js';
import type { Random } from './random.js';
import type { XY } from './network-builder.js';

export interface DemoStation {
  key: number;
  name: string;
  level: StationLevel;
  township: number;
  /** Index into the place list (communities then villages), when the station serves one. */
  place: number | null;
  p: XY;
  address: string;
  hours: string;
  services: ServiceCategory[];
  description: string;
  contactName: string;
  contactPhone: string;
}

export interface DemoTeam {
  station: number;
  name: string;
  category: ServiceCategory;
  members: number;
  leaderName: string;
  leaderPhone: string;
}

export interface DemoActivity {
  station: number;
  title: string;
  category: ServiceCategory;
  p: XY;
  startsAt: number;
  endsAt: number;
  expected: number;
  participants: number | null;
  cancelled: boolean;
  requester: string | null;
}

export const CATEGORY_LABELS: Record<ServiceCategory, string> = {
  theory: '理论宣讲',
  culture: '文化文艺',
  science: '科普',
  health: '卫生健康',
  law: '法律',
  sports: '体育健身',
  elderly: '助老助残',
  children: '关爱儿童',
  environment: '环境卫生',
  customs: '移风易俗',
};

const CATEGORY_WEIGHTS: Record<ServiceCategory, number> = {
  theory: 20,
  culture: 17,
  science: 8,
  health: 12,
  law: 6,
  sports: 6,
  elderly: 12,
  children: 8,
  environment: 8,
  customs: 4,
};

export const TITLES: Record<ServiceCategory, string[]> = {
  theory: ['党的创新理论百姓宣讲', '“理论微宣讲”进{place}', '党史故事分享会', '政策明白人讲政策', '红色经典诵读'],
  culture: ['广场舞展演', '戏曲进{place}', '书法培训班', '农民文艺汇演', '电影放映', '剪纸手工课'],
  science: ['科普大篷车进{place}', '农业实用技术培训', '防灾减灾科普讲座', '青少年科学实验课', '智能手机使用培训'],
  health: ['义诊进{place}', '健康知识讲座', '免费测血压血糖', '中医理疗体验', '心理健康咨询'],
  law: ['法律咨询进{place}', '反电信诈骗宣传', '民法典宣讲', '矛盾纠纷调解服务'],
  sports: ['全民健身健步走', '乒乓球友谊赛', '太极拳晨练教学', '篮球友谊赛'],
  elderly: ['关爱空巢老人走访', '助老理发服务', '老年人防诈骗讲座', '为老人包饺子', '残疾人帮扶走访'],
  children: ['“四点半课堂”', '留守儿童陪伴活动', '暑期阅读营', '亲子手工活动', '儿童安全教育'],
  environment: ['人居环境整治志愿行动', '垃圾分类宣传', '河道清洁志愿行动', '植树护绿活动'],
  customs: ['移风易俗倡议宣讲', '红白理事会宣讲', '文明家庭评选', '好媳妇好婆婆表彰'],
};

const STATION_HOURS = [
  'Mo-Fr 08:30-11:30,14:00-17:30',
  'Mo-Fr 08:30-11:30,14:00-17:30; Sa 09:00-11:30',
  'Mo-Sa 08:00-12:00,14:30-18:00',
  'Tu-Su 09:00-11:30,15:00-18:00',
  'Mo-Fr 09:00-17:00',
];

export function personName(rng: Random): string {
  return `${rng.pick(SURNAMES)}${rng.pick(GIVEN_NAMES)}`;
}

/** Invented mobile numbers in the 139-0000 block, never dialled. */
export function fakePhone(rng: Random): string {
  return `1390000${String(rng.int(0, 9999)).padStart(4, '0')}`;
}

function pickServices(rng: Random, count: number): ServiceCategory[] {
  const chosen = new Set<ServiceCategory>(['theory']);
  while (chosen.size < count)
    chosen.add(
      rng.weighted(
        SERVICE_CATEGORIES,
        SERVICE_CATEGORIES.map((c) => CATEGORY_WEIGHTS[c]),
      ),
    );
  return SERVICE_CATEGORIES.filter((c) => chosen.has(c));
}

export interface PracticeInput {
  townshipNames: string[];
  townshipUrban: boolean[];
  seats: XY[];
  townCenter: XY;
  places: { name: string; township: number; p: XY; kind: 'community' | 'village' }[];
  /** A street point near each place (where a station would stand). */
  placeStreetPoint: XY[];
  /** Street points in town and at seats for points (实践点). */
  urbanStreetPoints: XY[];
  districtName: string;
  townshipOf: (p: XY) => number;
}

export function layPracticeNetwork(rng: Random, input: PracticeInput): { stations: DemoStation[]; teams: DemoTeam[] } {
  const stations: DemoStation[] = [];
  const add = (s: Omit<DemoStation, 'key' | 'contactName' | 'contactPhone'>) => {
    stations.push({ ...s, key: stations.length, contactName: personName(rng), contactPhone: fakePhone(rng) });
  };
  const { townCenter: c } = input;
  const centerP: XY = [c[0] + 40, c[1] - 35];
  add({
    name: `${input.districtName}新时代文明实践中心`,
    level: 'center',
    township: input.townshipOf(centerP),
    place: null,
    p: centerP,
    address: `${input.districtName}府前街1号`,
    hours: 'Tu-Su 09:00-17:00',
    services: [...SERVICE_CATEGORIES],
    description: '全区新时代文明实践工作的统筹指挥中心，设理论宣讲、文化服务、志愿服务调度等功能区。',
  });
  input.townshipNames.forEach((name, t) => {
    const p: XY = [input.seats[t][0] - 45, input.seats[t][1] + 30];
    add({
      name: `${name}新时代文明实践所`,
      level: 'institute',
      township: t,
      place: null,
      p,
      address: `${input.districtName}${name}${input.townshipUrban[t] ? '办事处' : '人民政府'}院内`,
      hours: rng.pick(STATION_HOURS.slice(0, 3)),
      services: pickServices(rng, rng.int(7, 10)),
      description: `统筹${name}辖区新时代文明实践站的活动安排与志愿服务。`,
    });
  });
  input.places.forEach((place, i) => {
    if (!rng.chance(place.kind === 'community' ? 0.88 : 0.84)) return;
    const p = input.placeStreetPoint[i];
    add({
      name: `${place.name}新时代文明实践站`,
      level: 'station',
      township: place.township,
      place: i,
      p,
      address: `${input.districtName}${input.townshipNames[place.township]}${place.name}${place.kind === 'community' ? '党群服务中心' : '村委会'}`,
      hours: rng.pick(STATION_HOURS),
      services: pickServices(rng, rng.int(3, 6)),
      description:
        place.kind === 'community'
          ? '依托社区党群服务中心建设，设有图书阅览室、多功能活动室。'
          : '依托村党群服务中心建设，设有农家书屋、文化活动广场。',
    });
  });
  // Points: bases and service posts, most in town, some at seats and villages.
  const urbanSites = rng.sample(input.urbanStreetPoints, POINT_SITES.length + 6);
  POINT_SITES.forEach((site, i) => {
    const p = urbanSites[i];
    add({
      name: site.name.startsWith('县') ? site.name.replace('县', input.districtName.slice(0, -1)) : site.name,
      level: 'point',
      township: input.townshipOf(p),
      place: null,
      p,
      address: `${input.districtName}${input.townshipNames[input.townshipOf(p)]}`,
      hours: site.kind === 'transport' || site.kind === 'hospital' ? 'Mo-Su 08:00-18:00' : rng.pick(STATION_HOURS),
      services:
        site.kind === 'hospital'
          ? ['health', 'elderly']
          : site.kind === 'base'
            ? pickServices(rng, 3)
            : ['theory', 'culture', 'environment'],
      description:
        site.kind === 'base'
          ? '新时代文明实践基地，承接参观学习和主题实践活动。'
          : '志愿服务岗，提供咨询引导、便民服务。',
    });
  });
  const villages = input.places.map((p, i) => ({ ...p, i })).filter((p) => p.kind === 'village');
  const ruralSites = rng.sample(villages, 36);
  ruralSites.forEach((v, k) => {
    const site = RURAL_POINT_SITES[k % RURAL_POINT_SITES.length];
    const base = input.placeStreetPoint[v.i];
    const p: XY = [base[0] + rng.range(-60, 60), base[1] + rng.range(-60, 60)];
    add({
      name: `${v.name}${site}`,
      level: 'point',
      township: input.townshipOf(p),
      place: v.i,
      p,
      address: `${input.districtName}${input.townshipNames[v.township]}${v.name}`,
      hours: site.includes('集市') ? 'Mo,Th 07:00-11:00' : rng.pick(STATION_HOURS),
      services: pickServices(rng, rng.int(2, 4)),
      description: site.includes('基地') ? '新时代文明实践基地。' : '新时代文明实践点。',
    });
  });

  const teams: DemoTeam[] = [];
  for (const s of stations) {
    if (s.level === 'point' && rng.chance(0.6)) continue;
    const n = s.level === 'station' || s.level === 'point' ? rng.int(1, 3) : rng.int(3, 6);
    const cats = rng.sample(s.services, n);
    for (const cat of cats) {
      const base = s.name.replace(/新时代文明实践(中心|所|站)$/, '');
      teams.push({
        station: s.key,
        name: `${base}${CATEGORY_LABELS[cat]}志愿服务队`,
        category: cat,
        members: s.level === 'station' || s.level === 'point' ? rng.int(8, 45) : rng.int(30, 120),
        leaderName: personName(rng),
        leaderPhone: fakePhone(rng),
      });
    }
  }
  return { stations, teams };
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** China Standard Time, UTC+8, without daylight saving. */
const CST = 8 * HOUR;

/**
 * Activities over the 90 days before `now` and the week after it. Weekdays and weekends differ, the
 * mix of categories follows typical practice work, bigger stations hold more and larger activities,
 * and a handful are running at `now`.
 */
export function scheduleActivities(
  rng: Random,
  stations: DemoStation[],
  placeNames: string[],
  now: number,
): DemoActivity[] {
  const out: DemoActivity[] = [];
  const dayStart = Math.floor((now + CST) / DAY) * DAY - CST; // local midnight today, as UTC ms
  const weekdayWeight = [1.25, 0.8, 1, 1, 0.95, 1, 1.35]; // Sunday first
  const rate = (s: DemoStation) =>
    s.level === 'center' ? 1.1 : s.level === 'institute' ? 0.6 : s.level === 'station' ? 0.22 : 0.1;
  const place = (s: DemoStation) => (s.place !== null ? placeNames[s.place] : s.level === 'station' ? '社区' : '基层');
  for (let d = -90; d <= 7; d++) {
    const day = dayStart + d * DAY;
    const weekday = new Date(day + CST).getUTCDay();
    // A slow rise over the quarter, as reporting gets better.
    const trend = 0.85 + 0.3 * ((d + 90) / 97);
    for (const s of stations) {
      const expected = rate(s) * weekdayWeight[weekday] * trend;
      let count = Math.floor(expected);
      if (rng.next() < expected - count) count++;
      for (let k = 0; k < count; k++) {
        const category = rng.weighted(
          s.services,
          s.services.map((c) => CATEGORY_WEIGHTS[c]),
        );
        const startHour = rng.weighted([8.5, 9, 9.5, 14, 14.5, 15, 16, 19], [2, 4, 2, 3, 3, 2, 1, 1.5]);
        const startsAt = day + startHour * HOUR;
        const endsAt = startsAt + rng.weighted([1, 1.5, 2, 3], [3, 3, 3, 1]) * HOUR;
        const size = s.level === 'center' ? 80 : s.level === 'institute' ? 45 : 22;
        const expectedPeople = Math.max(5, Math.round(size * rng.range(0.5, 1.8)));
        const finished = endsAt <= now;
        const cancelled = rng.chance(0.02);
        const p: XY = rng.chance(0.8) ? s.p : [s.p[0] + rng.range(-500, 500), s.p[1] + rng.range(-500, 500)];
        out.push({
          station: s.key,
          title: rng.pick(TITLES[category]).replace('{place}', place(s)),
          category,
          p,
          startsAt,
          endsAt,
          expected: expectedPeople,
          participants: finished && !cancelled ? Math.max(3, Math.round(expectedPeople * rng.range(0.7, 1.2))) : null,
          cancelled,
          requester: rng.chance(0.15) ? personName(rng) : null,
        });
      }
    }
  }
  // Make sure a handful are live right now, whatever the hour.
  const live = out.filter((a) => a.startsAt <= now && a.endsAt > now && !a.cancelled).length;
  const pool = stations.filter((s) => s.level !== 'point');
  for (let k = live; k < 6; k++) {
    const s = rng.pick(pool);
    const category = rng.pick(s.services);
    const startsAt = now - rng.range(0.2, 1) * HOUR;
    out.push({
      station: s.key,
      title: rng.pick(TITLES[category]).replace('{place}', place(s)),
      category,
      p: s.p,
      startsAt: Math.round(startsAt / 60000) * 60000,
      endsAt: Math.round((startsAt + rng.range(1.5, 3) * HOUR) / 60000) * 60000,
      expected: rng.int(15, 60),
      participants: null,
      cancelled: false,
      requester: null,
    });
  }
  return out.sort((a, b) => a.startsAt - b.startsAt || a.station - b.station);
}
