const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "3 minutes ago" relative to `now` (the request time), with the exact time as a tooltip. */
export function RelativeTime({ iso, now }: { iso: string; now: number }) {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const [unit, size] = UNITS.find(([, s]) => Math.abs(seconds) >= s) ?? ["second", 1];
  const label = Math.abs(seconds) < 10 ? "just now" : format.format(Math.round(seconds / size), unit);
  return (
    <time dateTime={iso} title={new Date(iso).toUTCString()}>
      {label}
    </time>
  );
}
