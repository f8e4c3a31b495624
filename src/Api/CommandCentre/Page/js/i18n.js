// Labels in Chinese and English. Elements carry data-i18n (text), data-i18n-label (aria-label) or
// data-i18n-title (title); code asks t(key, values) for everything it writes itself.

const zh = {
  title: '网格化治理指挥中心',
  territory: '区域',
  territoryHint: '区县 6 位、街道 9 位或社区 12 位代码',
  watch: '查看',
  switchLanguage: 'Switch to English',
  signOut: '退出',
  signInTitle: '登录指挥中心',
  signInHint: '输入 API 密钥。密钥只保存在本浏览器标签页中，关闭标签页即清除。',
  apiKey: 'API 密钥',
  signIn: '登录',
  keyRefused: '密钥无效、已吊销或已过期，请重新登录。',
  keyForbidden: '该密钥的角色不能查看指挥中心（需要工作人员角色）。',
  unreachable: '无法连接服务器：{message}',
  chooseTerritory: '请选择要查看的区域（输入区县代码）。',
  territoryNotFound: '区域 {code} 不存在，或不在本密钥的范围内。',
  mapTitle: '网格态势',
  mapLabel: '网格地图：点击网格查看其案件与指标',
  layers: '图层',
  layerPoliceAreas: '警务网格',
  layerCameras: '摄像头',
  layerServicePoints: '服务点',
  layerUnavailable: '（暂不可用）',
  layerFailed: '（加载失败）',
  layerKinds: {
    partyMassesServiceCentre: '党群服务中心', gridStation: '网格工作站', policePost: '警务室', clinic: '卫生服务站',
    pharmacy: '药店', elderCanteen: '长者饭堂', elderCare: '日间照料中心', kindergarten: '幼儿园', school: '学校', market: '农贸市场',
  },
  weekdays: { monday: '周一', tuesday: '周二', wednesday: '周三', thursday: '周四', friday: '周五', saturday: '周六', sunday: '周日' },
  legend: '图例',
  legendNone: '无在办',
  legendOpen: '有在办',
  legendBusy: '在办 ≥ 5',
  legendWarned: '有预警',
  legendOverdue: '有超期',
  legendOverdueMany: '超期 ≥ 3',
  mapLoading: '正在加载地图…',
  mapEmpty: '该区域下没有带边界的网格。',
  loadUnavailable: '网格负荷着色将在指标服务可用后显示。',
  gridLabel: '{name}（{code}）：在办 {open}，超期 {overdue}，预警 {warned}',
  gridLabelNoLoad: '{name}（{code}）',
  close: '关闭',
  openCases: '在办案件',
  noOpenCases: '暂无在办案件。',
  staff: '网格员：{names}',
  kpiTitle: '核心指标',
  open: '在办',
  overdue: '超期',
  warned: '预警',
  reportedToday: '今日上报',
  closedToday: '今日办结',
  closedOnTimeToday: '今日按期办结',
  rateClosure: '办结率',
  rateOnTimeClosure: '按期办结率',
  rateResponse: '响应率',
  rateSatisfaction: '满意率',
  rateRework: '返工率',
  rateExtension: '延期率',
  rateResolution: '解决率',
  indicatorsUnavailable: '指标服务尚不可用，仅显示在办与超期数。',
  alertTitle: '超期与预警',
  alertCount: '超期 {overdue} · 预警 {warned}',
  noAlerts: '没有超期或预警案件。',
  alertsForbidden: '该密钥的角色不能查询案件列表。',
  timeOver: '已超期 {time}',
  timeLeft: '剩余 {time}',
  noDeadline: '未派遣',
  feedTitle: '实时动态',
  feedWaiting: '等待新的案件事件…',
  feedUnavailable: '实时事件服务尚不可用，稍后自动重试。',
  connLive: '实时',
  connConnecting: '连接中',
  connReconnecting: '重连中',
  connUnavailable: '实时服务不可用',
  connOff: '未连接',
  forbidden: '该密钥的角色无权查看此内容。',
  failed: '加载失败（{status}）。',
  duration: { d: '{n}天', h: '{n}小时', m: '{n}分', s: '{n}秒' },
  events: {
    reported: '上报', filed: '立案', rejected: '不予立案', dispatched: '派遣', accepted: '受理', returned: '退回',
    resolved: '处置完成', verified: '核查结案', reworked: '返工', evaluated: '评价', 'extension-requested': '申请延期',
    'extension-approved': '批准延期', escalated: '上报升级', merged: '合并', warned: '预警', overdue: '超期',
    'merge-received': '并入重复诉求', 'extension-denied': '驳回延期',
  },
  states: {
    reported: '已上报', filed: '已立案', rejected: '不予立案', dispatched: '已派遣', inProgress: '处置中',
    resolved: '待核查', closed: '已结案', evaluated: '已评价', merged: '已合并',
  },
};

const en = {
  title: 'Grid governance command centre',
  territory: 'Territory',
  territoryHint: 'A 6-digit district, 9-digit street or 12-digit community code',
  watch: 'Watch',
  switchLanguage: '切换到中文',
  signOut: 'Sign out',
  signInTitle: 'Sign in to the command centre',
  signInHint: 'Enter your API key. It is kept in this browser tab only and forgotten when the tab closes.',
  apiKey: 'API key',
  signIn: 'Sign in',
  keyRefused: 'The key is unknown, revoked or expired. Please sign in again.',
  keyForbidden: 'This key\'s role may not use the command centre (a staff role is needed).',
  unreachable: 'The server cannot be reached: {message}',
  chooseTerritory: 'Choose the territory to watch (a district code).',
  territoryNotFound: 'Territory {code} does not exist or is outside this key\'s scope.',
  mapTitle: 'Grids',
  mapLabel: 'Map of the grids: click a grid for its cases and indicators',
  layers: 'Layers',
  layerPoliceAreas: 'Police areas',
  layerCameras: 'Cameras',
  layerServicePoints: 'Service points',
  layerUnavailable: '(unavailable)',
  layerFailed: '(failed to load)',
  layerKinds: {
    partyMassesServiceCentre: 'Party–masses service centre', gridStation: 'Grid station', policePost: 'Police post', clinic: 'Clinic',
    pharmacy: 'Pharmacy', elderCanteen: 'Elder canteen', elderCare: 'Elder day care', kindergarten: 'Kindergarten', school: 'School', market: 'Market',
  },
  weekdays: { monday: 'Mon', tuesday: 'Tue', wednesday: 'Wed', thursday: 'Thu', friday: 'Fri', saturday: 'Sat', sunday: 'Sun' },
  legend: 'Legend',
  legendNone: 'No open cases',
  legendOpen: 'Open cases',
  legendBusy: '5+ open',
  legendWarned: 'Warned',
  legendOverdue: 'Overdue',
  legendOverdueMany: '3+ overdue',
  mapLoading: 'Loading the map…',
  mapEmpty: 'No grid with a boundary under this territory.',
  loadUnavailable: 'Grid load colours appear once the indicator service is available.',
  gridLabel: '{name} ({code}): {open} open, {overdue} overdue, {warned} warned',
  gridLabelNoLoad: '{name} ({code})',
  close: 'Close',
  openCases: 'Open cases',
  noOpenCases: 'No open cases.',
  staff: 'Grid staff: {names}',
  kpiTitle: 'Headline indicators',
  open: 'Open',
  overdue: 'Overdue',
  warned: 'Warned',
  reportedToday: 'Reported today',
  closedToday: 'Closed today',
  closedOnTimeToday: 'Closed on time today',
  rateClosure: 'Closure rate',
  rateOnTimeClosure: 'On-time closure',
  rateResponse: 'Response rate',
  rateSatisfaction: 'Satisfaction',
  rateRework: 'Rework rate',
  rateExtension: 'Extension rate',
  rateResolution: 'Resolution rate',
  indicatorsUnavailable: 'The indicator service is not available yet: open and overdue counts only.',
  alertTitle: 'Overdue and warned',
  alertCount: '{overdue} overdue · {warned} warned',
  noAlerts: 'No overdue or warned cases.',
  alertsForbidden: 'This key\'s role may not list cases.',
  timeOver: '{time} over',
  timeLeft: '{time} left',
  noDeadline: 'Not dispatched',
  feedTitle: 'Live feed',
  feedWaiting: 'Waiting for case events…',
  feedUnavailable: 'The live event service is not available yet; retrying automatically.',
  connLive: 'Live',
  connConnecting: 'Connecting',
  connReconnecting: 'Reconnecting',
  connUnavailable: 'Live service unavailable',
  connOff: 'Offline',
  forbidden: 'This key\'s role may not see this.',
  failed: 'Loading failed ({status}).',
  duration: { d: '{n} d', h: '{n} h', m: '{n} min', s: '{n} s' },
  events: {
    reported: 'Reported', filed: 'Filed', rejected: 'Rejected', dispatched: 'Dispatched', accepted: 'Accepted',
    returned: 'Returned', resolved: 'Resolved', verified: 'Verified', reworked: 'Rework', evaluated: 'Evaluated',
    'extension-requested': 'Extension requested', 'extension-approved': 'Extension approved', escalated: 'Escalated',
    merged: 'Merged', warned: 'Warned', overdue: 'Overdue',
    'merge-received': 'Duplicate merged in', 'extension-denied': 'Extension denied',
  },
  states: {
    reported: 'Reported', filed: 'Filed', rejected: 'Rejected', dispatched: 'Dispatched', inProgress: 'In progress',
    resolved: 'Awaiting verification', closed: 'Closed', evaluated: 'Evaluated', merged: 'Merged',
  },
};

const dictionaries = { zh, en };
const storageKey = 'gridgov.lang';
let current = initial();

function initial() {
  const saved = localStorage.getItem(storageKey);
  if (saved === 'zh' || saved === 'en') return saved;
  return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function language() {
  return current;
}

export function setLanguage(lang) {
  current = lang === 'en' ? 'en' : 'zh';
  localStorage.setItem(storageKey, current);
  apply(document);
}

/** A label, with {name} placeholders filled from values. */
export function t(key, values = {}) {
  const text = lookup(dictionaries[current], key) ?? lookup(en, key) ?? key;
  return typeof text === 'string' ? text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? '')) : text;
}

/** The label of an event type or case state, or the raw value when unknown. */
export function term(group, value) {
  return dictionaries[current][group]?.[value] ?? value;
}

function lookup(dictionary, key) {
  return key.split('.').reduce((node, part) => (node == null ? undefined : node[part]), dictionary);
}

/** Writes every data-i18n label under root, and the document's language. */
export function apply(root) {
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
  document.title = `GridGov · ${t('title')}`;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.setAttribute('title', t(el.dataset.i18nTitle));
  const toggle = document.getElementById('lang');
  if (toggle) toggle.textContent = current === 'zh' ? 'EN' : '中文';
}
