// A plain-language reading of the common 5-field cron expressions ("every Monday at 09:00").
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function time(hour, minute) {
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

function ordinal(n) {
  const s = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
}

/** Describes a cron expression, or says it is not one the reader knows (the API validates). */
export function describeCron(expression) {
  const text = (expression || '').trim();
  if (!text) return 'Runs once.';
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return 'A custom rule has 5 parts: minute, hour, day of the month, month and day of the week.';
  const [minute, hour, dom, month, dow] = parts;
  const number = (value, max) => /^\d+$/.test(value) && Number(value) <= max;
  if (/^\*\/\d+$/.test(minute) && hour === '*' && dom === '*' && month === '*' && dow === '*') {
    return `Every ${minute.slice(2)} minutes.`;
  }
  if (number(minute, 59) && hour === '*' && dom === '*' && month === '*' && dow === '*') {
    return `Every hour at minute ${minute}.`;
  }
  if (!number(minute, 59) || !number(hour, 23) || month !== '*') return `A custom repeat rule (${text}), in the business's time zone.`;
  const at = time(hour, minute);
  if (dom === '*' && dow === '*') return `Every day at ${at}.`;
  if (dom === '*' && /^[0-7](,[0-7])*$/.test(dow)) {
    const names = [...new Set(dow.split(',').map((d) => Number(d) % 7))].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7)).map((d) => DAYS[d]);
    if (names.length === 7) return `Every day at ${at}.`;
    const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0];
    return `Every ${list} at ${at}.`;
  }
  if (dom === '*' && dow === '1-5') return `Every weekday (Monday to Friday) at ${at}.`;
  if (number(dom, 31) && dow === '*') return `On the ${ordinal(Number(dom))} of every month at ${at}.`;
  return `A custom repeat rule (${text}), in the business's time zone.`;
}
