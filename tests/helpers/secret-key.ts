import { createSecretBox, type SecretBox } from '../../gateway/security/secret-box.ts';
import { parseSecretKey, withId } from '../../gateway/security/secret-key.ts';

/** The secret key the test gateways seal with (DX_SECRET_KEY); fixed, so a test can open what a gateway sealed. */
export const TEST_SECRET_KEY = 'ZHgtdGVzdC1zZWNyZXQta2V5LTMyLWJ5dGVzLWxvbmc=';

/** A secret box as the gateway builds it from DX_SECRET_KEY (`key`) and DX_SECRET_KEY_PREVIOUS (`previous`). */
export function testSecretBox(key = TEST_SECRET_KEY, previous: string[] = []): SecretBox {
  const keyOf = (text: string) => withId(parseSecretKey(text) as Buffer);
  return createSecretBox({ current: keyOf(key), previous: previous.map(keyOf) });
}
