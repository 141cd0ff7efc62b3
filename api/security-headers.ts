import cors from 'cors';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Browser-facing protections. The API answers JSON only, so its pages may load nothing and be framed by no one;
 * /docs is swagger-ui, whose page carries inline styles and a small inline style block, and data: images: it
 * gets a policy of its own that allows exactly that (scripts still only from our origin).
 */
const apiHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  },
});

const docsHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
    },
  },
});

export const securityHeaders: RequestHandler = (req, res, next) => {
  const docs = req.path === '/docs' || req.path.startsWith('/docs/');
  (docs ? docsHeaders : apiHeaders)(req, res, next);
};

/**
 * CORS is closed unless origins are listed (CORS_ORIGINS): merchants call the API from their servers, and a page on
 * another site must not be able to use a key a browser happens to hold.
 */
export function corsPolicy(allowedOrigins: readonly string[]): RequestHandler {
  return cors({
    origin: allowedOrigins.length > 0 ? [...allowedOrigins] : false,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
    exposedHeaders: ['Retry-After', 'Idempotent-Replayed'],
    maxAge: 600,
  });
}
