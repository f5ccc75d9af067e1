import t from 'tap';
import { parseDate } from '../../../gateway/pipeline/mapping/normalise.ts';

t.test('date patterns read one- and two-digit parts as the regular expression did', async (t) => {
  t.equal(parseDate('3/7/2024', 'D/M/YYYY'), '2024-07-03');
  t.equal(parseDate('13/12/2024', 'D/M/YYYY'), '2024-12-13');
  t.equal(parseDate('20241213', 'YYYYMMDD'), '2024-12-13');
  t.equal(parseDate('2024年1月5日', 'YYYY年M月D日'), '2024-01-05');
  t.equal(parseDate('2024112', 'YYYYMD'), '2024-11-02', 'longer runs are tried first, then shorter');
  t.equal(parseDate('202413', 'YYYYMD'), '2024-01-03');
  t.equal(parseDate('2024-1-5x', 'YYYY-M-D'), undefined, 'the whole text must match');
  t.equal(parseDate('2024-13-05', 'YYYY-M-D'), undefined, 'not a calendar date');
  t.equal(parseDate('２０２４－０１－０５', 'YYYY-MM-DD'), '2024-01-05', 'full-width digits are read');
});

t.test('a pattern of 32 adjacent one-or-two-digit parts against a near miss finishes within a few hundred ms', async (t) => {
  const pattern = 'YMD'.repeat(11).slice(0, 32);
  const started = performance.now();
  t.equal(parseDate(`${'1'.repeat(63)}x`, pattern), undefined);
  t.equal(parseDate('1'.repeat(65), pattern), undefined);
  const took = performance.now() - started;
  t.ok(took < 300, `took ${took.toFixed(1)} ms`);
});
