// The map's optional layers: police areas, cameras and service points, each a GeoJSON FeatureCollection from
// GET /api/v1/districts/{district}/layers/{name}. A layer is off until its toggle is checked; a layer whose endpoint
// answers 404 (not deployed) is marked unavailable in place, and the rest of the page carries on.

import { getAll } from './api.js';
import { t, term } from './i18n.js';
import { byId, clear, el } from './dom.js';

export const layers = [
  { name: 'police-areas', label: 'layerPoliceAreas', colour: '#7fb2ff' },
  { name: 'cameras', label: 'layerCameras', colour: '#d291ff' },
  { name: 'service-points', label: 'layerServicePoints', colour: '#f4c542' },
];

const state = {
  map: null,
  district: null,
  on: new Set(),
  /** name → { status: 'loading' | 'shown' | 'unavailable' | 'failed', features } for the current district. */
  loaded: new Map(),
  generation: 0,
};

/** Builds (or relabels) the toggles in #layers. */
export function renderLayerToggles() {
  const list = clear(byId('layer-list'));
  for (const layer of layers) {
    const id = `layer-${layer.name}`;
    const status = state.loaded.get(layer.name)?.status;
    const input = el('input', { id, type: 'checkbox', 'data-layer': layer.name, checked: state.on.has(layer.name), onchange: (e) => toggle(layer.name, e.target.checked) });
    const label = el('label', { for: id }, t(layer.label));
    const note = el('span', { class: 'layer-status', 'data-layer-status': layer.name, role: 'status' },
      status === 'unavailable' ? t('layerUnavailable') : status === 'failed' ? t('layerFailed') : '');
    list.append(el('li', { 'data-layer': layer.name, 'data-state': state.on.has(layer.name) ? status ?? 'loading' : 'off' }, input, label, note));
  }
}

/** The map was (re)drawn, for a territory of this district: draw the checked layers on it. */
export function attachLayers(map, district) {
  state.generation++;
  if (district !== state.district) state.loaded.clear();
  state.map = map;
  state.district = district;
  for (const name of state.on) show(name);
}

export function relabelLayers() {
  renderLayerToggles();
  for (const name of state.on) {
    const loaded = state.loaded.get(name);
    if (loaded?.status === 'shown') draw(name, loaded.features);
  }
}

function toggle(name, on) {
  if (on) {
    state.on.add(name);
    show(name);
  } else {
    state.on.delete(name);
    state.map?.clearOverlay(name);
    renderLayerToggles();
  }
}

async function show(name) {
  if (!state.map || !state.district) return;
  const cached = state.loaded.get(name);
  if (cached?.status === 'shown') {
    draw(name, cached.features);
    renderLayerToggles();
    return;
  }
  const generation = state.generation;
  state.loaded.set(name, { status: 'loading', features: [] });
  renderLayerToggles();
  let loaded;
  try {
    const features = await getAll(`/api/v1/districts/${state.district}/layers/${name}`, 'features');
    loaded = features === null ? { status: 'unavailable', features: [] } : { status: 'shown', features };
  } catch {
    loaded = { status: 'failed', features: [] };
  }
  if (generation !== state.generation) return;
  state.loaded.set(name, loaded);
  if (loaded.status === 'shown' && state.on.has(name)) draw(name, loaded.features);
  renderLayerToggles();
}

function draw(name, features) {
  const layer = layers.find((l) => l.name === name);
  state.map?.drawOverlay(name, features, { colour: layer.colour, describe });
}

/** A tooltip: name and code, the kind, and what the layer's properties add (address, hours, station, officer…). */
function describe(feature) {
  const p = feature.properties ?? {};
  const parts = [p.name ? `${p.name} (${p.code ?? ''})` : p.code ?? ''];
  if (p.kind) parts.push(term('layerKinds', p.kind));
  for (const key of ['address', 'station', 'policeStation', 'officer', 'officerName', 'phone', 'officerPhone']) {
    if (typeof p[key] === 'string' && p[key]) parts.push(p[key]);
  }
  if (Array.isArray(p.hours) && p.hours.length) {
    parts.push(p.hours.map((h) => `${term('weekdays', h.day)} ${h.opens}–${h.closes}`).join(', '));
  }
  return parts.join(' · ');
}
