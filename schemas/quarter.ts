/** Calendar helpers for quarters (`YYYY-Qn`) and months (`YYYY-MM`). Pure, no time zones involved. */

export function quarterMonths(quarter: string): string[] {
  const { year, q } = splitQuarter(quarter);
  return [1, 2, 3].map((i) => `${year}-${String((q - 1) * 3 + i).padStart(2, "0")}`);
}

export function splitQuarter(quarter: string): { year: number; q: number } {
  const m = /^(\d{4})-Q([1-4])$/.exec(quarter);
  if (!m) throw new RangeError(`not a quarter: ${quarter}`);
  return { year: Number(m[1]), q: Number(m[2]) };
}

/** First and last day (ISO dates) of a quarter. */
export function quarterBounds(quarter: string): { first: string; last: string } {
  const { year, q } = splitQuarter(quarter);
  const firstMonth = (q - 1) * 3 + 1;
  const lastMonth = firstMonth + 2;
  const lastDay = new Date(Date.UTC(year, lastMonth, 0)).getUTCDate();
  return {
    first: `${year}-${String(firstMonth).padStart(2, "0")}-01`,
    last: `${year}-${String(lastMonth).padStart(2, "0")}-${String(lastDay).padStart(2, "0")}`,
  };
}

export function quarterOfMonth(month: string): string {
  const [y, m] = month.split("-");
  return `${y}-Q${Math.floor((Number(m) - 1) / 3) + 1}`;
}

export function nextQuarter(quarter: string): string {
  const { year, q } = splitQuarter(quarter);
  return q === 4 ? `${year + 1}-Q1` : `${year}-Q${q + 1}`;
}

export function previousQuarter(quarter: string): string {
  const { year, q } = splitQuarter(quarter);
  return q === 1 ? `${year - 1}-Q4` : `${year}-Q${q - 1}`;
}

/** All quarters from `from` to `to` inclusive (empty when to < from). */
export function quarterRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let q = from; q <= to; q = nextQuarter(q)) out.push(q);
  return out;
}

export function monthRange(from: string, to: string): string[] {
  return quarterRange(from, to).flatMap(quarterMonths);
}
