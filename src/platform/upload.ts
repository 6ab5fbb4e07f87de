import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

/**
 * Uploads are the raw bytes of one file, typed by their Content-Type (see README: why not multipart). In the plugin
 * that calls this, every body is left as a stream for the handler, which reads it once the session and the right to
 * the record are checked.
 */
export function acceptRawBodies(app: FastifyInstance) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
}

export const tooLarge = (maxBytes: number) =>
  new AppError(413, 'file_too_large', `Tệp vượt quá giới hạn ${formatMb(maxBytes)} MB.`, `The file is larger than the ${formatMb(maxBytes)} MB limit.`);

function formatMb(bytes: number): string {
  return String(Math.round((bytes / 1024 / 1024) * 10) / 10).replace('.', ',');
}

/** A raw upload as a service takes it: what the client declared, and a reader it calls after its checks. */
export interface RawUpload {
  /** the Content-Type the client declared */
  contentType?: string;
  /** the Content-Length it announced, if any: refused at once when over the limit */
  contentLength?: number;
  /** reads the body, failing as soon as it passes `max` bytes */
  read(max: number): Promise<Buffer>;
}

/** Hands the request's body to `handle` as a RawUpload; an oversized one closes the connection (its rest is never read). */
export async function withRawUpload<T>(req: FastifyRequest, reply: FastifyReply, handle: (upload: RawUpload) => Promise<T>): Promise<T> {
  const length = Number(req.headers['content-length']);
  try {
    return await handle({
      contentType: req.headers['content-type'],
      contentLength: Number.isFinite(length) ? length : undefined,
      read: (max) => readLimited(req.body as Readable | undefined, max),
    });
  } catch (err) {
    if (err instanceof AppError && err.statusCode === 413) void reply.header('connection', 'close');
    throw err;
  }
}

/**
 * Reads the request body after the session and the right were checked (acceptRawBodies hands the stream over
 * untouched), stopping as soon as it passes the limit: a refused upload is never held whole in memory.
 */
function readLimited(stream: Readable | undefined, max: number): Promise<Buffer> {
  if (!stream || typeof (stream as Partial<Readable>).on !== 'function') return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        cleanup();
        stream.pause();
        reject(tooLarge(max));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      cleanup();
      reject(new AppError(400, 'upload_aborted', 'Tải lên bị gián đoạn.', 'The upload was interrupted.'));
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('close', onClose);
  });
}
