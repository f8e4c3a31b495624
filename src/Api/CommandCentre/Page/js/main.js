// The district command centre: sign in with an API key, pick a territory, then watch its grids (coloured by load),
// the headline indicators, the overdue and warned cases and the live feed of case events.

import { ApiError, configure, get, getAll, headers, today } from './api.js';
import { apply, language, setLanguage, t, term } from './i18n.js';
import { byId, clear, el, svg } from './dom.js';
import { drawMap, palette } from './map.js';
import { attachLayers, relabelLayers, renderLayerToggles } from './layers.js';
import { follow } from './sse.js';
import { clockTime, count, deadlineLabel, percent, shortDateTime } from './format.js';

const keyStorage = 'gridgov.apiKey';
const territoryStorage = 'gridgov.territory';
const territoryPattern = /^\d{6}(\d{3}){0,2}$/;
const openStates = new Set(['reported', 'filed', 'dispatched', 'inProgress', 'resolved']);
const maxFeed = 100;
const maxAlerts = 200;
const refreshDelayMs = 2500;
const periodicRefreshMs = 60000;

const state = {
  caller: null,
  territory: null,
  session: 0,
  map: null,
  names: new Map(),
  loads: new Map(),
  indicators: null,
  categories: new Map(),
  alerts: new Map(),
  liveAlerts: new Map(),
  feed: [],
  seenEvents: new Set(),
  stream: null,
  connection: 'off',
  selected: null,
  grid: null,
  refreshTimer: null,
  gridTimer: null,
};

// ---- session ----------------------------------------------------------------------------------------------------

async function signIn(key) {
  const error = byId('sign-in-error');
  error.textContent = '';
  configure(key, () => signOut(t('keyRefused')));
  try {
    state.caller = await get('/api/v1/caller');
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) {
      configure(null, () => {});
      error.textContent = e instanceof ApiError && e.status === 403 ? t('keyForbidden') : t('unreachable', { message: e.message });
    }
    return;
  }

  sessionStorage.setItem(keyStorage, key);
  byId('api-key').value = '';
  byId('sign-in').hidden = true;
  byId('board').hidden = false;
  byId('territory-form').hidden = false;
  byId('sign-out').hidden = false;

  const fromHash = location.hash.slice(1);
  const code = territoryPattern.test(fromHash) ? fromHash
    : sessionStorage.getItem(territoryStorage) ?? (state.caller.scope !== '*' ? state.caller.scope : null);
  if (code) {
    await watch(code);
  } else {
    note('map-note', t('chooseTerritory'));
    byId('territory-input').focus();
  }
}

function signOut(message = '') {
  stopWatching();
  sessionStorage.removeItem(keyStorage);
  configure(null, () => {});
  state.caller = null;
  state.territory = null;
  byId('board').hidden = true;
  byId('territory-form').hidden = true;
  byId('sign-out').hidden = true;
  byId('territory-name').textContent = '';
  byId('sign-in').hidden = false;
  byId('sign-in-error').textContent = message;
  setConnection('off');
  byId('api-key').focus();
}

function stopWatching() {
  state.session += 1;
  state.stream?.stop();
  state.stream = null;
  clearTimeout(state.refreshTimer);
  clearTimeout(state.gridTimer);
  state.refreshTimer = null;
  state.gridTimer = null;
}

// ---- territory --------------------------------------------------------------------------------------------------

async function watch(code) {
  stopWatching();
  const session = state.session;
  const current = () => session === state.session;
  Object.assign(state, { territory: null, map: null, indicators: null, selected: null, grid: null });
  state.names.clear();
  state.loads.clear();
  state.alerts.clear();
  state.liveAlerts.clear();
  state.feed = [];
  state.seenEvents.clear();
  byId('grid-panel').hidden = true;
  clear(byId('map'));
  clear(byId('feed'));
  clear(byId('alerts'));
  clear(byId('kpis'));
  clear(byId('rates'));
  for (const id of ['map-note', 'kpi-note', 'alert-note', 'feed-note', 'alert-count']) note(id, '');

  byId('territory-input').value = code;
  sessionStorage.setItem(territoryStorage, code);
  if (location.hash.slice(1) !== code) history.replaceState(null, '', `#${code}`);

  let node;
  try {
    node = await get(`/api/v1/territory/${code}`);
  } catch (e) {
    if (current()) note('map-note', problemText(e));
    return;
  }
  if (!current()) return;
  if (node === null) {
    note('map-note', t('territoryNotFound', { code }));
    byId('territory-name').textContent = '';
    return;
  }

  state.territory = node;
  byId('territory-name').textContent = `${node.name} · ${node.code}`;
  loadCategories(code.slice(0, 6), current);
  loadTerritoryOptions(node, current);
  startStream(code, current);
  await loadMap(node, current);
  await Promise.all([refreshLoads(current), refreshIndicators(current), refreshAlerts(current)]);
  schedulePeriodicRefresh(current);
}

async function loadTerritoryOptions(node, current) {
  const district = node.code.slice(0, 6);
  const options = [{ code: district, name: '' }];
  try {
    const children = await get(`/api/v1/territory/${district}/children`);
    options.push(...(children?.items ?? []));
  } catch {
    // Only a convenience for typing codes.
  }
  if (!current()) return;
  const list = clear(byId('territory-options'));
  for (const option of options) list.append(el('option', { value: option.code }, option.name));
}

async function loadCategories(district, current) {
  try {
    const body = await get(`/api/v1/districts/${district}/categories`);
    if (!current() || !body) return;
    for (const category of body.items) state.categories.set(category.code, category.name);
    renderAlerts();
    renderFeed();
  } catch {
    // Category codes are shown as they are.
  }
}

async function loadMap(node, current) {
  note('map-note', t('mapLoading'));
  let features;
  let areas = [];
  try {
    features = await getAll(`/api/v1/territory/${node.code}/map`, 'features');
    areas = await childAreas(node);
  } catch (e) {
    if (current()) note('map-note', problemText(e));
    return;
  }
  if (!current()) return;
  features ??= [];
  const grids = features.filter((f) => f.properties.level === 'grid');
  const microGrids = features.filter((f) => f.properties.level === 'microGrid');
  for (const grid of grids) state.names.set(grid.properties.code, grid.properties.name);
  state.map = drawMap(byId('map'), { grids, microGrids, areas, onSelect: selectGrid, describe: describeGrid });
  note('map-note', state.map && state.map.count > 0 ? '' : t('mapEmpty'));
  for (const [code, load] of state.loads) state.map?.setLoad(code, load);
  if (state.map) attachLayers(state.map, node.code.slice(0, 6));
}

/** The boundaries and names of the node's children above grid level (streets of a district, …), for orientation. */
async function childAreas(node) {
  if (node.level === 'grid' || node.level === 'microGrid') return [];
  const children = (await get(`/api/v1/territory/${node.code}/children`))?.items ?? [];
  const above = children.filter((c) => c.level !== 'grid' && c.level !== 'microGrid').slice(0, 60);
  const areas = [];
  for (let i = 0; i < above.length; i += 6) {
    const batch = await Promise.all(above.slice(i, i + 6).map((c) => get(`/api/v1/territory/${c.code}`).catch(() => null)));
    areas.push(...batch.filter((n) => n?.boundary).map((n) => ({ name: n.name, geometry: n.boundary })));
  }
  return areas;
}

function describeGrid(code) {
  const name = state.names.get(code) ?? code;
  const load = state.loads.get(code);
  return load ? t('gridLabel', { name, code, ...load }) : t('gridLabelNoLoad', { name, code });
}

// ---- loads and indicators ---------------------------------------------------------------------------------------

async function refreshLoads(current) {
  const code = state.territory?.code;
  if (!code) return;
  let ranking;
  try {
    ranking = await rankingOfGrids(code);
  } catch (e) {
    if (current()) note('map-note', problemText(e));
    return;
  }
  if (!current()) return;
  if (ranking === null) {
    if (state.map?.count) note('map-note', t('loadUnavailable'));
    return;
  }
  const listed = new Map(ranking.items.map((i) => [i.code, { open: i.open ?? 0, overdue: i.overdue ?? 0, warned: i.warned ?? 0 }]));
  for (const grid of state.names.keys()) {
    state.loads.set(grid, listed.get(grid) ?? { open: 0, overdue: 0, warned: 0 });
    state.map?.setLoad(grid, state.loads.get(grid));
  }
  if (byId('map-note').textContent === t('loadUnavailable')) note('map-note', '');
}

async function rankingOfGrids(code) {
  const path = (limit) => `/api/v1/territory/${code}/ranking?indicator=open&level=grid&order=desc&limit=${limit}`;
  try {
    return await get(path(1000));
  } catch (e) {
    // A ranking that pages at 500 at most: take what it gives.
    if (e instanceof ApiError && e.status === 400) return get(path(500));
    throw e;
  }
}

function monthStart(day) {
  return `${day.slice(0, 8)}01`;
}

async function refreshIndicators(current) {
  const code = state.territory?.code;
  if (!code) return;
  const day = today();
  try {
    const indicators = await get(`/api/v1/territory/${code}/indicators?from=${monthStart(day)}&to=${day}`);
    if (!current()) return;
    if (indicators !== null) {
      state.indicators = indicators;
      note('kpi-note', '');
    } else {
      // Until the indicator service is deployed: the live views' open and overdue counts.
      const open = await get(`/api/v1/territory/${code}/open-cases`);
      if (!current()) return;
      state.indicators = open && { current: { open: open.total, overdue: open.overdue, warned: null }, fallback: true };
      note('kpi-note', t('indicatorsUnavailable'));
    }
  } catch (e) {
    if (current()) note('kpi-note', problemText(e));
    return;
  }
  renderKpis();
}

function renderKpis() {
  const indicators = state.indicators;
  const kpis = clear(byId('kpis'));
  const rates = clear(byId('rates'));
  if (!indicators) return;
  const currentCounts = indicators.current ?? {};
  const warned = indicators.fallback ? [...state.alerts.values()].filter((c) => c.warned && !c.overdue).length : currentCounts.warned;
  const figure = (key, value, tone) => el('div', { class: `kpi ${tone ?? ''}`, 'data-kpi': key },
    el('dt', {}, t(key)), el('dd', {}, count(value)));
  kpis.append(
    figure('open', currentCounts.open),
    figure('overdue', currentCounts.overdue, 'alarm'),
    figure('warned', warned, 'warn'));
  if (indicators.today) {
    kpis.append(
      figure('reportedToday', indicators.today.reported),
      figure('closedToday', indicators.today.closed),
      figure('closedOnTimeToday', indicators.today.closedOnTime));
  }
  if (indicators.rates) {
    const rate = (key, value) => el('div', { class: 'rate', 'data-rate': key }, el('dt', {}, t(key)), el('dd', {}, percent(value)));
    rates.append(
      rate('rateClosure', indicators.rates.closure),
      rate('rateOnTimeClosure', indicators.rates.onTimeClosure),
      rate('rateResponse', indicators.rates.response),
      rate('rateSatisfaction', indicators.rates.satisfaction));
  }
}

// ---- overdue and warned cases -----------------------------------------------------------------------------------

async function refreshAlerts(current) {
  const code = state.territory?.code;
  if (!code) return;
  let pages;
  try {
    pages = await Promise.all(['overdue', 'warned'].map((flag) =>
      get(`/api/v1/cases?territory=${code}&open=true&${flag}=true&limit=${maxAlerts}`)));
  } catch (e) {
    if (current()) note('alert-note', e instanceof ApiError && e.status === 403 ? t('alertsForbidden') : problemText(e));
    return;
  }
  if (!current()) return;
  state.alerts.clear();
  for (const item of pages.flatMap((p) => p?.items ?? [])) rememberAlert(item);
  // The feed may know newer versions than the read model has projected yet.
  for (const item of state.liveAlerts.values()) rememberAlert(item);
  renderAlerts();
  if (state.indicators?.fallback) renderKpis();
}

function isAlert(c) {
  return openStates.has(c.state) && (c.overdue || c.warned);
}

/** Keeps a case in the list while it is open and overdue or warned; a newer version replaces an older one. */
function rememberAlert(c) {
  const known = state.alerts.get(c.id);
  if (known && known.version > c.version) return;
  if (isAlert(c)) state.alerts.set(c.id, c);
  else state.alerts.delete(c.id);
}

function renderAlerts() {
  const list = clear(byId('alerts'));
  const cases = [...state.alerts.values()].sort((a, b) =>
    (b.overdue - a.overdue) || (new Date(a.deadline ?? 8.64e15) - new Date(b.deadline ?? 8.64e15)) || a.id.localeCompare(b.id));
  const overdue = cases.filter((c) => c.overdue).length;
  byId('alert-count').textContent = t('alertCount', { overdue, warned: cases.length - overdue });
  if (cases.length === 0 && state.territory) note('alert-note', t('noAlerts'));
  else if (byId('alert-note').textContent === t('noAlerts')) note('alert-note', '');
  for (const c of cases.slice(0, maxAlerts)) {
    list.append(el('li', { class: `case ${c.overdue ? 'is-overdue' : 'is-warned'}`, 'data-case': c.id },
      el('span', { class: 'badge' }, t(c.overdue ? 'overdue' : 'warned')),
      el('span', { class: 'case-id' }, c.id),
      el('span', { class: 'category' }, categoryName(c.category)),
      el('span', { class: 'where' }, state.names.get(c.gridCode) ?? c.gridCode),
      deadlineElement(c.deadline)));
  }
}

function deadlineElement(deadline) {
  return el('span', { class: 'time', 'data-deadline': deadline ?? '' }, deadlineLabel(deadline));
}

function categoryName(code) {
  return state.categories.get(code) ?? code;
}

// ---- live feed --------------------------------------------------------------------------------------------------

function startStream(code, current) {
  state.stream = follow(`/api/v1/territory/${code}/events`, {
    headers,
    onUnauthorized: () => signOut(t('keyRefused')),
    onState: (s) => {
      if (!current()) return;
      setConnection(s);
      if (s === 'unavailable') note('feed-note', t('feedUnavailable'));
      else if (state.feed.length === 0) note('feed-note', s === 'live' ? t('feedWaiting') : '');
    },
    onMessage: (message) => {
      if (!current()) return;
      if (message.event === 'reset') {
        state.liveAlerts.clear();
        refreshAll(current);
      } else if (message.event === 'case') {
        let event;
        try {
          event = JSON.parse(message.data);
        } catch {
          return;
        }
        onCaseEvent(event, current);
      }
    },
  });
}

function onCaseEvent(event, current) {
  if (state.seenEvents.has(event.eventId)) return;
  state.seenEvents.add(event.eventId);
  if (state.seenEvents.size > 5000) state.seenEvents = new Set([...state.seenEvents].slice(-2500));

  state.feed.unshift(event);
  state.feed.length = Math.min(state.feed.length, maxFeed);
  note('feed-note', '');
  const list = byId('feed');
  const item = feedItem(event);
  item.classList.add('fresh');
  list.prepend(item);
  while (list.children.length > maxFeed) list.lastElementChild.remove();

  const c = event.case;
  if (c) {
    const snapshot = { ...c, gridCode: c.gridCode ?? event.territory };
    if (isAlert(snapshot)) state.liveAlerts.set(c.id, snapshot);
    else state.liveAlerts.delete(c.id);
    rememberAlert(snapshot);
    renderAlerts();
    const grid = (c.gridCode ?? '').slice(0, 15);
    state.map?.pulse(grid);
    if (state.selected && grid === state.selected) scheduleGridRefresh(current);
  }
  scheduleRefresh(current);
}

function feedItem(event) {
  const c = event.case ?? {};
  const grid = (c.gridCode ?? event.territory ?? '').slice(0, 15);
  return el('li', { class: `event type-${event.type}`, 'data-case': event.caseId, 'data-type': event.type },
    el('time', { datetime: event.at }, clockTime(new Date(event.at))),
    el('span', { class: 'tag' }, term('events', event.type)),
    el('span', { class: 'case-id' }, event.caseId),
    el('span', { class: 'category' }, c.category ? categoryName(c.category) : ''),
    el('span', { class: 'where' }, state.names.get(grid) ?? grid),
    c.state ? el('span', { class: 'state' }, term('states', c.state)) : null);
}

function renderFeed() {
  const list = clear(byId('feed'));
  for (const event of state.feed) list.append(feedItem(event));
}

/** Indicators and colours follow events within seconds, without a request per event. */
function scheduleRefresh(current) {
  if (state.refreshTimer) return;
  state.refreshTimer = setTimeout(async () => {
    state.refreshTimer = null;
    if (!current()) return;
    await Promise.all([refreshLoads(current), refreshIndicators(current)]);
  }, refreshDelayMs);
}

function schedulePeriodicRefresh(current) {
  const timer = setInterval(() => {
    if (!current()) {
      clearInterval(timer);
      return;
    }
    refreshAll(current);
  }, periodicRefreshMs);
}

function refreshAll(current) {
  refreshLoads(current);
  refreshIndicators(current);
  refreshAlerts(current);
  if (state.selected) loadGrid(state.selected, current);
}

function setConnection(s) {
  state.connection = s;
  const label = { live: 'connLive', connecting: 'connConnecting', reconnecting: 'connReconnecting', unavailable: 'connUnavailable' }[s] ?? 'connOff';
  const indicator = byId('connection');
  indicator.dataset.state = s;
  indicator.textContent = t(label);
}

// ---- one grid ---------------------------------------------------------------------------------------------------

function selectGrid(code) {
  state.selected = code;
  state.map?.select(code);
  const panel = byId('grid-panel');
  if (code === null) {
    panel.hidden = true;
    state.grid = null;
    return;
  }
  panel.hidden = false;
  state.grid = { code, node: null, open: null, indicators: null };
  renderGrid();
  const session = state.session;
  loadGrid(code, () => session === state.session && state.selected === code);
}

function scheduleGridRefresh(current) {
  if (state.gridTimer) return;
  state.gridTimer = setTimeout(() => {
    state.gridTimer = null;
    const code = state.selected;
    if (code && current()) loadGrid(code, () => current() && state.selected === code);
  }, 800);
}

async function loadGrid(code, current) {
  const day = today();
  try {
    const [node, open, indicators] = await Promise.all([
      get(`/api/v1/territory/${code}`),
      get(`/api/v1/territory/${code}/open-cases`),
      get(`/api/v1/territory/${code}/indicators?from=${monthStart(day)}&to=${day}`).catch(() => null),
    ]);
    if (!current()) return;
    state.grid = { code, node, open, indicators };
    note('grid-note', '');
  } catch (e) {
    if (current()) note('grid-note', problemText(e));
    return;
  }
  renderGrid();
}

function renderGrid() {
  const grid = state.grid;
  if (!grid) return;
  const name = grid.node?.name ?? state.names.get(grid.code) ?? grid.code;
  byId('grid-title').textContent = `${name} · ${grid.code}`;
  const staff = (grid.node?.staff ?? []).map((s) => s.maskedPhone ? `${s.name} ${s.maskedPhone}` : s.name);
  byId('grid-staff').textContent = staff.length ? t('staff', { names: staff.join('、') }) : '';

  const load = grid.indicators?.current ?? state.loads.get(grid.code) ?? (grid.open && { open: grid.open.total, overdue: grid.open.overdue, warned: null });
  const figures = clear(byId('grid-indicators'));
  const figure = (key, value) => el('div', { class: 'figure', 'data-figure': key }, el('dt', {}, t(key)), el('dd', {}, count(value)));
  if (load) figures.append(figure('open', load.open), figure('overdue', load.overdue), figure('warned', load.warned));
  if (grid.indicators?.today) figures.append(figure('reportedToday', grid.indicators.today.reported), figure('closedToday', grid.indicators.today.closed));
  if (grid.indicators?.rates) {
    figures.append(el('div', { class: 'figure' }, el('dt', {}, t('rateOnTimeClosure')), el('dd', {}, percent(grid.indicators.rates.onTimeClosure))));
  }

  const list = clear(byId('grid-cases'));
  if (!grid.open) return;
  if (grid.open.items.length === 0) note('grid-note', t('noOpenCases'));
  for (const c of grid.open.items) {
    const details = el('p', { class: 'case-details', hidden: true });
    const toggle = el('button', { type: 'button', class: 'case-toggle', 'aria-expanded': 'false', onclick: () => toggleCase(c.id, toggle, details) },
      el('span', { class: 'case-id' }, c.id));
    list.append(el('li', { class: `case ${c.overdue ? 'is-overdue' : ''}`, 'data-case': c.id },
      toggle,
      el('span', { class: 'state' }, term('states', c.state)),
      el('span', { class: 'category' }, categoryName(c.category)),
      el('span', { class: 'reported' }, shortDateTime(c.reportedAt)),
      deadlineElement(c.deadline),
      details));
  }
}

async function toggleCase(id, toggle, details) {
  const open = toggle.getAttribute('aria-expanded') !== 'true';
  toggle.setAttribute('aria-expanded', String(open));
  details.hidden = !open;
  if (!open || details.textContent) return;
  try {
    const c = await get(`/api/v1/cases/${encodeURIComponent(id)}`);
    details.textContent = c ? [c.description, c.address].filter(Boolean).join(' · ') : '';
  } catch (e) {
    details.textContent = problemText(e);
  }
}

// ---- page -------------------------------------------------------------------------------------------------------

function note(id, text) {
  byId(id).textContent = text;
}

function problemText(e) {
  if (e instanceof ApiError) return e.status === 403 ? t('forbidden') : t('failed', { status: e.status });
  return t('unreachable', { message: e.message });
}

function renderLegend() {
  const legend = clear(byId('legend'));
  for (const entry of palette) {
    legend.append(el('li', {},
      svg('svg', { class: 'swatch', viewBox: '0 0 10 10', 'aria-hidden': 'true' }, svg('rect', { width: 10, height: 10, rx: 2, fill: entry.fill })),
      t(entry.label)));
  }
}

function tick() {
  const now = Date.now();
  byId('clock').textContent = clockTime(new Date(now));
  byId('clock').setAttribute('datetime', new Date(now).toISOString());
  for (const span of document.querySelectorAll('.time[data-deadline]')) {
    const deadline = span.dataset.deadline;
    span.textContent = deadlineLabel(deadline || null, now);
    span.classList.toggle('over', Boolean(deadline) && new Date(deadline).getTime() < now);
  }
}

function relabel() {
  apply(document);
  renderLegend();
  relabelLayers();
  setConnection(state.connection);
  state.map?.relabel();
  renderKpis();
  renderAlerts();
  renderFeed();
  renderGrid();
  tick();
}

function start() {
  apply(document);
  renderLegend();
  renderLayerToggles();
  setConnection('off');
  byId('lang').addEventListener('click', () => {
    setLanguage(language() === 'zh' ? 'en' : 'zh');
    relabel();
  });
  byId('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = byId('api-key').value.trim();
    if (key) signIn(key);
  });
  byId('sign-out').addEventListener('click', () => signOut());
  byId('territory-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const code = byId('territory-input').value.trim();
    if (territoryPattern.test(code)) watch(code);
  });
  byId('grid-close').addEventListener('click', () => selectGrid(null));
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && state.selected) selectGrid(null);
  });
  window.addEventListener('hashchange', () => {
    const code = location.hash.slice(1);
    if (state.caller && territoryPattern.test(code) && code !== state.territory?.code) watch(code);
  });
  tick();
  setInterval(tick, 1000);

  const saved = sessionStorage.getItem(keyStorage);
  if (saved) signIn(saved);
  else byId('api-key').focus();
}

start();
