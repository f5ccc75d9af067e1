import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createValidator } from '../../../schemas/validate.ts';
import { AUTHENTICATED_ERRORS } from '../schemas.ts';
import { ValidateBody, ValidateResult } from './schemas.ts';

/** Lets departments check records against a canonical schema before they connect a system; nothing is published. */
const validateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const validator = createValidator();

  app.post('/api/v1/validate', {
    config: { action: 'schemas:validate' },
    schema: {
      tags: ['schemas'],
      summary: 'Validate up to 1000 records against a canonical schema (domain formats included); nothing is stored',
      body: ValidateBody,
      response: { 200: ValidateResult, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const { schema, records } = request.body;
    const results = records.map((record, index) => {
      const errors = validator.validateRecord(schema, record);
      return { index, valid: errors.length === 0, errors };
    });
    const valid = results.filter((result) => result.valid).length;
    return { valid, invalid: results.length - valid, results };
  });
};

export default validateRoutes;
