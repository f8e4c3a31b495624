// The territory as SVG, drawn from the grids' GeoJSON boundaries (WGS-84 lon/lat) with a local equirectangular
// projection: at a district's size the distortion is negligible, and no tiles, fonts or libraries are needed.
// Colours are SVG fill attributes (the CSP allows no inline styles).

import { svg, clear } from './dom.js';

const width = 1000;
const padding = 8;

/** Load classes, from calm to alarming: the map's fill colours and the legend's. */
export const palette = [
  { key: 'none', label: 'legendNone', fill: '#1d2b3e' },
  { key: 'open', label: 'legendOpen', fill: '#1f6f5c' },
  { key: 'busy', label: 'legendBusy', fill: '#3d9a62' },
  { key: 'warned', label: 'legendWarned', fill: '#c99a2e' },
  { key: 'overdue', label: 'legendOverdue', fill: '#d0573a' },
  { key: 'overdueMany', label: 'legendOverdueMany', fill: '#e02f3a' },
];
const unknownFill = '#2a3a50';

export function loadClass(load) {
  if (!load) return null;
  if (load.overdue >= 3) return 'overdueMany';
  if (load.overdue > 0) return 'overdue';
  if (load.warned > 0) return 'warned';
  if (load.open >= 5) return 'busy';
  if (load.open > 0) return 'open';
  return 'none';
}

function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
  return [];
}

function bounds(geometries) {
  const box = { minLon: Infinity, minLat: Infinity, maxLon: -Infinity, maxLat: -Infinity };
  for (const geometry of geometries) {
    for (const ring of rings(geometry)) {
      for (const [lon, lat] of ring) {
        box.minLon = Math.min(box.minLon, lon);
        box.maxLon = Math.max(box.maxLon, lon);
        box.minLat = Math.min(box.minLat, lat);
        box.maxLat = Math.max(box.maxLat, lat);
      }
    }
  }
  return Number.isFinite(box.minLon) ? box : null;
}

function projection(box) {
  const k = Math.cos(((box.minLat + box.maxLat) / 2) * Math.PI / 180);
  const spanX = Math.max((box.maxLon - box.minLon) * k, 1e-9);
  const scale = (width - 2 * padding) / spanX;
  const height = Math.max((box.maxLat - box.minLat) * scale, 1) + 2 * padding;
  const point = ([lon, lat]) => [
    (padding + (lon - box.minLon) * k * scale).toFixed(1),
    (padding + (box.maxLat - lat) * scale).toFixed(1),
  ];
  return { height, point };
}

function pathData(geometry, point) {
  return rings(geometry)
    .map((ring) => `M${ring.map((c) => point(c).join(' ')).join('L')}Z`)
    .join('');
}

function centre(geometry, point) {
  const box = bounds([geometry]);
  return point([(box.minLon + box.maxLon) / 2, (box.minLat + box.maxLat) / 2]);
}

/**
 * Draws the grids (clickable), their micro-grids (outlined for the selected grid) and the outlines and names of
 * the areas in between (the node's children). Answers a handle to colour, select and flash grids.
 */
export function drawMap(root, { grids, microGrids, areas, onSelect, describe }) {
  clear(root);
  const box = bounds([...grids, ...microGrids, ...areas].map((f) => f.geometry));
  if (!box) return null;
  const { height, point } = projection(box);
  root.setAttribute('viewBox', `0 0 ${width} ${height.toFixed(0)}`);
  root.setAttribute('preserveAspectRatio', 'xMidYMid meet');

  const gridLayer = svg('g', { class: 'grids' });
  const microLayer = svg('g', { class: 'micro-grids' });
  const areaLayer = svg('g', { class: 'areas' });
  // Names keep a legible size whatever the shape: a tall street's map is scaled down more than a wide district's.
  const labelSize = Math.max(width, height) / 60;
  const labelLayer = svg('g', { class: 'labels', 'font-size': labelSize.toFixed(1), 'stroke-width': (labelSize / 5).toFixed(1) });
  const paths = new Map();

  for (const feature of grids) {
    if (!feature.geometry) continue;
    const { code } = feature.properties;
    const title = svg('title', {}, describe(code));
    const path = svg('path', {
      d: pathData(feature.geometry, point),
      class: 'grid',
      'fill-rule': 'evenodd',
      fill: unknownFill,
      tabindex: 0,
      role: 'button',
      'data-code': code,
      'data-level': 'grid',
      'aria-label': describe(code),
    }, title);
    path.addEventListener('click', () => onSelect(code));
    path.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        onSelect(code);
      }
    });
    paths.set(code, path);
    gridLayer.append(path);
  }

  const micro = new Map();
  for (const feature of microGrids) {
    if (!feature.geometry) continue;
    const { code } = feature.properties;
    const path = svg('path', { d: pathData(feature.geometry, point), class: 'micro-grid', fill: 'none', 'data-code': code, 'data-level': 'microGrid' });
    micro.set(code, path);
    microLayer.append(path);
  }

  for (const area of areas) {
    if (!area.geometry) continue;
    areaLayer.append(svg('path', { d: pathData(area.geometry, point), class: 'area', fill: 'none' }));
    const [x, y] = centre(area.geometry, point);
    labelLayer.append(svg('text', { x, y, class: 'area-label', 'text-anchor': 'middle', 'dominant-baseline': 'middle' }, area.name));
  }

  // The optional layers (police areas, cameras, service points) above everything, one group each.
  const overlayRoot = svg('g', { class: 'overlays' });
  const overlays = new Map();
  const markerSize = Math.max(width, height) / 220;
  root.append(gridLayer, areaLayer, microLayer, labelLayer, overlayRoot);

  let selected = null;
  return {
    count: paths.size,
    has: (code) => paths.has(code),
    /** Colours a grid by its load ({ open, overdue, warned }) and refreshes its accessible name. */
    setLoad(code, load) {
      const path = paths.get(code);
      if (!path) return;
      const key = loadClass(load);
      path.setAttribute('fill', palette.find((p) => p.key === key)?.fill ?? unknownFill);
      path.dataset.load = key ?? 'unknown';
      path.setAttribute('aria-label', describe(code));
      path.firstChild.textContent = describe(code);
    },
    relabel() {
      for (const [code, path] of paths) {
        path.setAttribute('aria-label', describe(code));
        path.firstChild.textContent = describe(code);
      }
    },
    select(code) {
      paths.get(selected)?.classList.remove('selected');
      for (const [microCode, path] of micro) path.classList.toggle('shown', code !== null && microCode.startsWith(code));
      selected = code;
      const path = paths.get(code);
      if (path) {
        path.classList.add('selected');
        // Drawn last, so its outline is not hidden under its neighbours.
        path.parentNode.append(path);
      }
    },
    /**
     * Draws a GeoJSON layer over the grids (replacing what it drew before): points as dots, polygons as outlines,
     * each with its tooltip (an SVG title) from describe(feature).
     */
    drawOverlay(name, features, { colour, describe }) {
      overlays.get(name)?.remove();
      const group = svg('g', { class: 'overlay', 'data-layer': name });
      for (const feature of features) {
        const geometry = feature.geometry;
        if (!geometry) continue;
        const title = svg('title', {}, describe(feature));
        const code = feature.properties?.code ?? feature.id ?? '';
        if (geometry.type === 'Point') {
          const [x, y] = point(geometry.coordinates);
          group.append(svg('circle', { cx: x, cy: y, r: markerSize.toFixed(1), class: 'overlay-point', fill: colour, 'data-layer': name, 'data-code': code }, title));
        } else if (geometry.type === 'MultiPoint') {
          for (const c of geometry.coordinates) {
            const [x, y] = point(c);
            group.append(svg('circle', { cx: x, cy: y, r: markerSize.toFixed(1), class: 'overlay-point', fill: colour, 'data-layer': name, 'data-code': code }, title.cloneNode(true)));
          }
        } else {
          group.append(svg('path', { d: pathData(geometry, point), class: 'overlay-area', fill: 'none', stroke: colour, 'data-layer': name, 'data-code': code }, title));
        }
      }
      overlays.set(name, group);
      overlayRoot.append(group);
      return group.childElementCount;
    },
    clearOverlay(name) {
      overlays.get(name)?.remove();
      overlays.delete(name);
    },
    /** Flashes a grid that just had an event. */
    pulse(code) {
      const path = paths.get(code);
      if (!path) return;
      path.classList.remove('pulse');
      // Restart the animation: reading layout between the two class changes makes the browser see both.
      void path.getBoundingClientRect();
      path.classList.add('pulse');
    },
  };
}
