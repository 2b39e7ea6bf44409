/**
 * Sequence-to-sequence tasks generated in code, as character strings:
 *   - Keras' "addition" example: "535+61" → "596", the question padded with spaces to 2·digits + 1
 *     characters and (by default) reversed, the answer padded to digits + 1; no question twice
 *     (a+b and b+a count as one, as Keras dedupes them);
 *   - date normalisation: a date written as people write it ("the 3rd of March 2021", "Wed, Mar 3,
 *     2021", "03-Mar-21" …) → ISO 8601 ("2021-03-03").
 */
import { ValueError } from "../base/errors.js";
import { defaultGenerator, type Generator as Rng } from "../base/rng.js";

export interface Seq2SeqPairs {
  sources: string[];
  targets: string[];
}

export interface AdditionOptions {
  /** The most digits of each operand (Keras: 3). */
  digits?: number;
  /** Reverse the question's characters, which shortens the paths between digits that add (Keras: true). */
  reverse?: boolean;
  generator?: Rng;
}

export function additionProblems(count: number, { digits = 3, reverse = true, generator = defaultGenerator }: AdditionOptions = {}): Seq2SeqPairs {
  if (!(Number.isInteger(digits) && digits >= 1 && digits <= 7)) throw new ValueError(`additionProblems: digits must be an integer from 1 to 7, got ${digits}`);
  // Distinct unordered pairs of numbers with 1…digits digits.
  const possible = ((10 ** digits) * (10 ** digits + 1)) / 2;
  if (!(Number.isInteger(count) && count >= 0 && count <= possible / 2)) throw new ValueError(`additionProblems: count must be an integer from 0 to ${Math.floor(possible / 2)} for ${digits} digits, got ${count}`);
  const width = 2 * digits + 1;
  const operand = () => {
    const length = 1 + generator.randomInt(digits);
    let s = "";
    for (let i = 0; i < length; i++) s += String(generator.randomInt(10));
    return Number(s);
  };
  const seen = new Set<string>();
  const sources: string[] = [];
  const targets: string[] = [];
  while (sources.length < count) {
    const a = operand();
    const b = operand();
    const key = a < b ? `${a}+${b}` : `${b}+${a}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const question = `${a}+${b}`.padEnd(width, " ");
    sources.push(reverse ? [...question].reverse().join("") : question);
    targets.push(String(a + b).padEnd(digits + 1, " "));
  }
  return { sources, targets };
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const ordinal = (d: number) => `${d}${d % 10 === 1 && d !== 11 ? "st" : d % 10 === 2 && d !== 12 ? "nd" : d % 10 === 3 && d !== 13 ? "rd" : "th"}`;
const pad2 = (n: number) => String(n).padStart(2, "0");

/** The ways a date is written here: none ambiguous (every one names the month or puts the year first). */
const FORMATS: ((y: number, m: number, d: number, w: number) => string)[] = [
  (y, m, d) => `${ordinal(d)} of ${MONTHS[m]} ${y}`,
  (y, m, d) => `the ${ordinal(d)} of ${MONTHS[m]}, ${y}`,
  (y, m, d) => `${MONTHS[m]} ${d}, ${y}`,
  (y, m, d) => `${MONTHS[m]} ${ordinal(d)} ${y}`,
  (y, m, d) => `${d} ${MONTHS[m]} ${y}`,
  (y, m, d) => `${d} ${MONTHS[m]!.slice(0, 3)} ${y}`,
  (y, m, d) => `${MONTHS[m]!.slice(0, 3)} ${d}, ${y}`,
  (y, m, d, w) => `${DAYS[w]}, ${MONTHS[m]} ${d}, ${y}`,
  (y, m, d, w) => `${DAYS[w]!.slice(0, 3)}, ${d} ${MONTHS[m]!.slice(0, 3)} ${y}`,
  (y, m, d) => `${pad2(d)}-${MONTHS[m]!.slice(0, 3)}-${y}`,
  (y, m, d) => `${pad2(d)}-${MONTHS[m]!.slice(0, 3).toUpperCase()}-${String(y).slice(2)}`,
  (y, m, d) => `${y}/${pad2(m + 1)}/${pad2(d)}`,
  (y, m, d) => `${y}.${m + 1}.${d}`,
  (y, m, d) => `${d}.${MONTHS[m]!.slice(0, 3).toLowerCase()}.${y}`,
  (y, m, d) => `${MONTHS[m]!.toUpperCase()} ${d} ${y}`,
  (y, m, d) => `${d} ${MONTHS[m]!.toLowerCase()} ${y}`,
];

const TWO_DIGIT_YEAR = 10;

export interface DateOptions {
  /** Years drawn from [from, to] (default 1950–2049, so that two-digit years stay unambiguous). */
  years?: [number, number];
  generator?: Rng;
}

/** Human-written dates → ISO 8601, each from a random day in the years given and a random format. */
export function dateProblems(count: number, { years = [1950, 2049], generator = defaultGenerator }: DateOptions = {}): Seq2SeqPairs {
  const [from, to] = years;
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 1000 && to <= 9999 && from <= to)) throw new ValueError(`dateProblems: years must be [from, to] with 1000 ≤ from ≤ to ≤ 9999, got [${years.join(", ")}]`);
  if (!(Number.isInteger(count) && count >= 0)) throw new ValueError(`dateProblems: count must be a non-negative integer, got ${count}`);
  const start = Date.UTC(from, 0, 1);
  const days = Math.round((Date.UTC(to + 1, 0, 1) - start) / 86_400_000);
  const sources: string[] = [];
  const targets: string[] = [];
  for (let i = 0; i < count; i++) {
    const date = new Date(start + generator.randomInt(days) * 86_400_000);
    const [y, m, d, w] = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), date.getUTCDay()];
    let format = generator.randomInt(FORMATS.length);
    if (format === TWO_DIGIT_YEAR && to - from >= 100) format = 9; // a two-digit year is ambiguous over a century
    sources.push(FORMATS[format]!(y, m, d, w));
    targets.push(`${y}-${pad2(m + 1)}-${pad2(d)}`);
  }
  return { sources, targets };
}
