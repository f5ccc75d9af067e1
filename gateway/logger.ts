import { pino, type Logger, type LevelWithSilent } from 'pino';

/** JSON logs; credentials never reach them. */
export function createLogger(level: LevelWithSilent, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', '*.password', '*.key', 'key', 'password', 'token'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
