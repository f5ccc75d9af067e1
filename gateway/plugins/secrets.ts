import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createSecretBox, type SecretBox } from '../security/secret-box.ts';
import type { SecretKeys } from '../security/secret-key.ts';

export interface SecretsOptions {
  keys: SecretKeys;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Seals what the gateway stores but must not store in clear (connector secrets, quarantine, master secret). */
    secretBox: SecretBox;
  }
}

async function secretsPlugin(app: FastifyInstance, options: SecretsOptions): Promise<void> {
  app.decorate('secretBox', createSecretBox(options.keys));
  app.log.info({ keyId: options.keys.current.id, previousKeyIds: options.keys.previous.map((key) => key.id) }, 'secret key loaded');
}

export default fp(secretsPlugin, { name: 'dx-secrets' });
