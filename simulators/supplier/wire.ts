import type { Response } from 'express';

/**
 * How BigBuy words its answers. Status codes used by the simulator:
 * - 400 `{"code":400,"message":"Validation Failed","errors":{...}}` when the order form is invalid (Symfony tree),
 *   and 400 `{"code":400,"message":"..."}` for unreadable JSON or bad query parameters;
 * - 401 `{"code":401,"message":"..."}` without a valid Bearer key;
 * - 404 `{"code":404,"message":"..."}` for unknown orders and routes;
 * - 409 `{"code":"ERxxx","message":"{\"info\":...,\"data\":...}"}` for every business refusal (ER001..ER011);
 * - 413 for a body over the size limit; 429/500/502/504 only when a fault is queued.
 */

export type BusinessCode = 'ER001' | 'ER003' | 'ER004' | 'ER007' | 'ER008' | 'ER010' | 'ER011';

export interface BusinessError {
  code: BusinessCode;
  info: string;
  data: Record<string, unknown>;
}

export function sendBusinessError(res: Response, error: BusinessError): void {
  // BigBuy double-encodes: `message` is itself a JSON document.
  res.status(409).json({ code: error.code, message: JSON.stringify({ info: error.info, data: error.data }) });
}

export function sendPlainError(res: Response, status: number, message: string): void {
  res.status(status).json({ code: status, message });
}

export interface FormErrorNode {
  errors?: string[];
  children?: Record<string, FormErrorNode>;
}

export function sendValidationFailed(res: Response, errors: FormErrorNode): void {
  res.status(400).json({ code: 400, message: 'Validation Failed', errors });
}

export function htmlPage(status: number, title: string): string {
  return `<!DOCTYPE html>\n<html>\n<head><title>${status} ${title}</title></head>\n<body>\n<center><h1>${status} ${title}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n`;
}
