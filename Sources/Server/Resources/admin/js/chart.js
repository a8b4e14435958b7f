// Messages (bars) and bookings (a line) per day, drawn as inline SVG by our own code.
const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attributes) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

/** days: [{date, sent, failed, bookings?}] oldest first. */
export function dailyChart(days, { title = 'Messages per day', bookingBars = false } = {}) {
  const width = 1100, height = 180, left = 30, bottom = 20, top = 10;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title });
  const max = Math.max(1, ...days.map((d) => (d.sent || 0) + (d.failed || 0)), ...days.map((d) => d.bookings || 0));
  const step = (width - left) / Math.max(1, days.length);
  const y = (value) => height - bottom - (value / max) * (height - bottom - top);
  root.append(svg('line', { x1: left, x2: width, y1: height - bottom, y2: height - bottom, stroke: '#d9dee8' }));
  const axis = svg('text', { x: 0, y: top + 8 });
  axis.textContent = String(max);
  root.append(axis);
  days.forEach((day, index) => {
    const x = left + index * step + step * 0.15;
    const barWidth = step * 0.7;
    const sentTop = y(bookingBars ? (day.bookings || 0) : (day.sent || 0));
    root.append(svg('rect', { class: bookingBars ? 'bar-bookings' : 'bar-sent', x, y: sentTop, width: barWidth, height: height - bottom - sentTop }));
    if (day.failed) {
      const failedTop = y((day.sent || 0) + day.failed);
      root.append(svg('rect', { class: 'bar-failed', x, y: failedTop, width: barWidth, height: sentTop - failedTop }));
    }
    const tip = svg('title', {});
    tip.textContent = `${day.date}: ${day.sent || 0} sent, ${day.failed || 0} failed` +
      (day.bookings !== undefined ? `, ${day.bookings} bookings` : '');
    root.lastChild.append(tip);
    if (index % Math.ceil(days.length / 6) === 0) {
      const text = svg('text', { x, y: height - 5 });
      text.textContent = day.date.slice(5);
      root.append(text);
    }
  });
  if (!bookingBars && days.some((d) => d.bookings !== undefined)) {
    const points = days.map((d, i) => `${left + i * step + step / 2},${y(d.bookings || 0)}`).join(' ');
    root.append(svg('polyline', { class: 'line-bookings', points }));
  }
  return root;
}
