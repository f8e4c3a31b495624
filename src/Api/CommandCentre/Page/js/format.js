import { t } from './i18n.js';

const pad = (n) => String(n).padStart(2, '0');

/** A span of time in its two largest units: "2天3小时", "2 d 3 h", "4 min 05 s". */
export function duration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const units = [
    ['d', Math.floor(total / 86400)],
    ['h', Math.floor((total % 86400) / 3600)],
    ['m', Math.floor((total % 3600) / 60)],
    ['s', total % 60],
  ];
  const first = units.findIndex(([, n], i) => n > 0 || i === units.length - 1);
  return units.slice(first, first + 2)
    .map(([unit, n], i) => t(`duration.${unit}`, { n: i === 0 ? n : pad(n) }))
    .join(' ');
}

/** Time left (positive) or over (negative) until a deadline, as a label. */
export function deadlineLabel(deadline, now = Date.now()) {
  if (!deadline) return t('noDeadline');
  const left = new Date(deadline).getTime() - now;
  return left >= 0 ? t('timeLeft', { time: duration(left) }) : t('timeOver', { time: duration(-left) });
}

export function clockTime(date) {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export function shortDateTime(iso) {
  const date = new Date(iso);
  return `${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function percent(rate) {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;
}

export function count(n) {
  return n === null || n === undefined ? '—' : String(n);
}
