import { STATUS_CODES, type Server } from 'node:http';
import { errorBody } from './errors.js';

/**
 * Requests Node's HTTP parser refuses before Express sees them (a URL or headers over the size limit, a malformed
 * request line) are answered in the API's error shape too, instead of a bare status line.
 */
export function answerClientErrorsAsJson(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const message =
      status === 431
        ? 'The URL or headers are larger than the server accepts'
        : status === 408
          ? 'The request took too long to arrive'
          : 'The request is not valid HTTP';
    const body = JSON.stringify(errorBody(status === 431 ? 'REQUEST_TOO_LARGE' : 'BAD_REQUEST', message));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
