import t from 'tap';
import { maskMiddle } from '../../schemas/formats/mask.ts';
import { redactIdentifiers } from '../../schemas/formats/redact.ts';

t.test('ID numbers, legacy ID numbers and credit codes inside text are masked', async (t) => {
  t.equal(
    redactIdentifiers('a 11010519491231002x b 91350100M000100Y43 c 110105491231002'),
    'a 110105***********x b 91350100*********3 c 110105*********',
  );
});

t.test('an all-digit credit code is masked like an ID number, the stricter of the two', async (t) => {
  t.equal(redactIdentifiers('914403001922038216'), '914403***********6');
});

t.test('text without identifiers is left alone', async (t) => {
  t.equal(redactIdentifiers('registered_capital must match pattern 12345'), 'registered_capital must match pattern 12345');
});

t.test('a value too short to keep both ends is masked entirely', async (t) => {
  t.equal(maskMiddle('12345', 6, 1), '*****');
  t.equal(maskMiddle('1234567890', 6, 1), '123456***0');
});
