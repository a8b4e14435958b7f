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
  if (parts.length !== 5) return 'A cron expression has 5 fields: minute hour day-of-month month day-of-week.';
  const [minute, hour, dom, month, dow] = parts;
  const number = (value, max) => /^\d+$/.test(value) && Number(value) <= max;
  if (/^\*\/\d+$/.test(minute) && hour === '*' && dom === '*' && month === '*' && dow === '*') {
    return `Every ${minute.slice(2)} minutes.`;
  }
  if (number(minute, 59) && hour === '*' && dom === '*' && month === '*' && dow === '*') {
    return `Every hour at minute ${minute}.`;
  }
  if (!number(minute, 59) || !number(hour, 23) || month !== '*') return `Custom schedule (cron: ${text}), in the business's time zone.`;
  const at = time(hour, minute);
  if (dom === '*' && dow === '*') return `Every day at ${at}.`;
  if (dom === '*' && /^[0-7](,[0-7])*$/.test(dow)) {
    const names = dow.split(',').map((d) => DAYS[Number(d) % 7]);
    return `Every ${names.join(' and ')} at ${at}.`;
  }
  if (dom === '*' && dow === '1-5') return `Every weekday (Monday to Friday) at ${at}.`;
  if (number(dom, 31) && dow === '*') return `On the ${ordinal(Number(dom))} of every month at ${at}.`;
  return `Custom schedule (cron: ${text}), in the business's time zone.`;
}
