// Messages (bars) and bookings (a line, or bars) per day, drawn as inline SVG by our own code.
// Every day of the range has a column (days without data are zero), at least two weeks wide so
// one day of data is one bar among others, never one huge block; each column's tooltip (and
// its accessible name) says that day's own figures.
const SVG = 'http://www.w3.org/2000/svg';
const MIN_DAYS = 14;

function svg(tag, attributes) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

const isoDay = (date) => date.toISOString().slice(0, 10);
const parseDay = (text) => new Date(`${text}T00:00:00Z`);

/** Every date from the first to the last (at least MIN_DAYS, ending on the last), filled with zeros. */
export function continuousDays(days, blank) {
  if (!days.length) return [];
  const byDate = new Map(days.map((d) => [d.date, d]));
  const sorted = days.map((d) => d.date).sort();
  const last = parseDay(sorted[sorted.length - 1]);
  let first = parseDay(sorted[0]);
  const minimumFirst = new Date(last.getTime() - (MIN_DAYS - 1) * 86400000);
  if (first > minimumFirst) first = minimumFirst;
  const out = [];
  for (let t = first.getTime(); t <= last.getTime() && out.length < 400; t += 86400000) {
    const date = isoDay(new Date(t));
    out.push(byDate.get(date) || { date, ...blank });
  }
  return out;
}

function dayLabel(date, long = false) {
  return parseDay(date).toLocaleDateString(undefined, long
    ? { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }
    : { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** A round top for the axis: 1, 2, 5 × 10^n. */
function niceMax(value) {
  if (value <= 5) return Math.max(1, Math.ceil(value));
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/**
 * days: [{date, sent?, failed?, bookings?, revenue?}] in any order. `describe(day)` gives a day's
 * tooltip ("Tue 3 Dec: 51 sent, 0 failed"); the default names the messages (and bookings).
 */
export function dailyChart(days, { title = 'Messages per day', bookingBars = false, describe = null } = {}) {
  const series = continuousDays(days, bookingBars ? { bookings: 0, revenue: 0 } : { sent: 0, failed: 0 });
  const width = 1100, height = 200, left = 44, right = 8, bottom = 24, top = 12;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': title, class: 'daily-chart' });
  const value = (d) => (bookingBars ? (d.bookings || 0) : (d.sent || 0) + (d.failed || 0));
  const max = niceMax(Math.max(0, ...series.map(value), ...(bookingBars ? [] : series.map((d) => d.bookings || 0))));
  const plotHeight = height - bottom - top;
  const y = (v) => height - bottom - (v / max) * plotHeight;
  const step = (width - left - right) / Math.max(1, series.length);
  const barWidth = Math.min(step * 0.7, 36);
  // Axis: 0, half and the top, with light grid lines.
  for (const tick of [0, max / 2, max]) {
    root.append(svg('line', { x1: left, x2: width - right, y1: y(tick), y2: y(tick), class: tick === 0 ? 'axis' : 'grid' }));
    const label = svg('text', { x: left - 6, y: y(tick) + 4, 'text-anchor': 'end' });
    label.textContent = Number.isInteger(tick) ? String(tick) : tick.toFixed(1);
    root.append(label);
  }
  const describeDay = describe || ((d) => `${dayLabel(d.date, true)}: ${d.sent || 0} sent, ${d.failed || 0} failed`
    + (d.bookings !== undefined ? `, ${d.bookings} booking${d.bookings === 1 ? '' : 's'}` : ''));
  const labelEvery = Math.ceil(series.length / Math.max(2, Math.floor((width - left) / 90)));
  series.forEach((day, index) => {
    const column = svg('g', { class: 'day', 'data-date': day.date, tabindex: 0, role: 'img' });
    const center = left + index * step + step / 2;
    const x = center - barWidth / 2;
    const description = describeDay(day);
    column.setAttribute('aria-label', description);
    const tip = svg('title', {});
    tip.textContent = description;
    column.append(tip);
    // The whole column answers the pointer, so a day with a short (or no) bar has its tooltip too.
    column.append(svg('rect', { class: 'hit', x: left + index * step, y: top, width: step, height: plotHeight }));
    if (bookingBars) {
      const barTop = y(day.bookings || 0);
      column.append(svg('rect', { class: 'bar-bookings', x, y: barTop, width: barWidth, height: height - bottom - barTop }));
    } else {
      const sentTop = y(day.sent || 0);
      column.append(svg('rect', { class: 'bar-sent', x, y: sentTop, width: barWidth, height: height - bottom - sentTop }));
      if (day.failed) {
        const failedTop = y((day.sent || 0) + day.failed);
        column.append(svg('rect', { class: 'bar-failed', x, y: failedTop, width: barWidth, height: sentTop - failedTop }));
      }
    }
    root.append(column);
    if ((series.length - 1 - index) % labelEvery === 0) {
      const text = svg('text', { x: center, y: height - 6, 'text-anchor': 'middle' });
      text.textContent = dayLabel(day.date);
      root.append(text);
    }
  });
  if (!bookingBars && series.some((d) => d.bookings !== undefined)) {
    const points = series.map((d, i) => `${left + i * step + step / 2},${y(d.bookings || 0)}`).join(' ');
    root.append(svg('polyline', { class: 'line-bookings', points }));
  }
  return root;
}
