// `fs.promises`, read where it is used: node loads `fs/promises` (and the readline modules it
// pulls in) on first access, so a cold start whose store is not the file store never loads them
// (issue 16: ~1 ms of initialize).
import { constants, promises as fsPromises, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppendDeadlineError, NotRegularFileError } from './errors.js';

/** One append's progress, shared by the append and its deadline timer. */
interface Job {
  /** The step being waited on. */
  step: string;
  /** Set by the deadline before the write() was issued: the append must not write. */
  withdrawn: boolean;
  /** Set just before the first write() is issued: from then on the append cannot be withdrawn. */
  issued: boolean;
}

/**
 * `a+` (read for the newline repair, O_APPEND, create with 0644) plus O_NONBLOCK, so that opening
 * a FIFO without a reader cannot hang the invocation before the type check refuses it.
 * Source: Linux open(2), O_NONBLOCK on FIFOs; regular files ignore it.
 */
const APPEND_FLAGS =
  constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK;

/**
 * Appends batches of JSON lines to one file so that crashes and neighbours cannot corrupt it.
 *
 * - **O_APPEND, one `write()` per batch, no lock.** The file is opened with `a+` (O_APPEND):
 *   the kernel moves to the end and writes in one step, so batches of two processes (or two
 *   writers) never interleave inside a line on a local file system (POSIX `write(2)`, O_APPEND;
 *   Linux serialises writes to one inode). A lock file would add a stale-lock problem after
 *   `kill -9`, which is the case this guards against.
 * - **Newline repair before each append.** A process killed inside `write()` can leave a torn
 *   last line; before appending, the writer reads the file's last byte and starts its batch with
 *   `\n` when it is not one, so the next record is never glued to a fragment (the reader skips
 *   the fragment with a warning: see `read-records.ts`).
 * - **One writer per path per process** ({@link appendWriterFor}): concurrent invocations in one
 *   process queue their batches on it, one at a time.
 * - The file is opened per batch, so a rotated or deleted file is recreated, never written
 *   through a stale descriptor.
 * - **A deadline per append** (issue 11): an append that has not finished by its deadline (a
 *   blocked file system, or the batches queued before it) rejects with
 *   {@link AppendDeadlineError}. Until its `write()` is issued it is withdrawn for good (each
 *   step checks, and the check and the issue run in one turn of the event loop, so the timer
 *   cannot fall between them): nothing of it ever reaches the file. After that it may still land
 *   (`issued`: true), and the caller must not write its lines anywhere else.
 * - **Only a regular file.** After opening, the descriptor is checked with `fstat`: a FIFO, a
 *   socket, a character device (`/dev/null`, `/dev/full`) or anything else that is not a
 *   regular file is refused with {@link NotRegularFileError} before a byte is written, so no
 *   record can vanish into a pipe or a sink while being reported written (the store falls back
 *   to stdout and says why). A directory fails at `open` (EISDIR).
 */
export class AppendWriter {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  /**
   * Appends `text` (whole lines, each ending with `\n`) in one `write()`, after the batches
   * queued before it.
   * @param deadlineMs epoch ms by which the append must be over; default none
   * @returns bytes written, repair newline included
   * @throws NodeJS.ErrnoException from the file system, NotRegularFileError when the path is
   *   not a regular file, AppendDeadlineError when the deadline came first (the caller turns
   *   each into an OutcomeStoreError)
   */
  append(text: string, deadlineMs: number = Number.POSITIVE_INFINITY): Promise<number> {
    const job: Job = { step: 'queued', withdrawn: false, issued: false };
    const run = this.chain.then(() => this.appendNow(text, job));
    this.chain = run.catch(() => undefined);
    if (!Number.isFinite(deadlineMs)) return run;
    return new Promise<number>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(
        () => {
          if (settled) return;
          settled = true;
          if (!job.issued) job.withdrawn = true;
          reject(new AppendDeadlineError(this.path, job.issued, job.step));
        },
        Math.max(0, deadlineMs - Date.now()),
      );
      run.then(
        (bytes) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(bytes);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** Resolves when every append queued so far has ended (written, failed or withdrawn). */
  idle(): Promise<void> {
    return this.chain.then(() => undefined);
  }

  private async appendNow(text: string, job: Job): Promise<number> {
    const step = (name: string): void => {
      if (job.withdrawn) throw new AppendDeadlineError(this.path, false, job.step);
      job.step = name;
    };
    step('mkdir');
    await fsPromises.mkdir(dirname(this.path), { recursive: true });
    step('open');
    const fh = await fsPromises.open(this.path, APPEND_FLAGS, 0o644);
    try {
      step('stat');
      const stat = await fh.stat();
      if (!stat.isFile()) throw new NotRegularFileError(this.path, kindOf(stat));
      const { size } = stat;
      let prefix = '';
      if (size > 0) {
        step('read');
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      const buf = Buffer.from(prefix + text, 'utf8');
      // The last point where the deadline can withdraw the batch: from here it may land.
      step('write');
      job.issued = true;
      let offset = 0;
      // One write() for the batch; a short write (disk full, a signal) is finished by more
      // writes, and a failure leaves a torn line that the next append repairs.
      while (offset < buf.length) {
        const { bytesWritten } = await fh.write(buf, offset, buf.length - offset);
        if (bytesWritten <= 0) throw Object.assign(new Error('write returned 0'), { code: 'EIO' });
        offset += bytesWritten;
      }
      job.step = 'close';
      return buf.length;
    } finally {
      await fh.close();
    }
  }
}

function kindOf(stat: Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isDirectory()) return 'a directory';
  return 'not a regular file';
}

const writers = new Map<string, AppendWriter>();

/** The process's one writer for `path` (resolved to an absolute path). */
export function appendWriterFor(path: string): AppendWriter {
  const key = resolve(path);
  let writer = writers.get(key);
  if (!writer) {
    writer = new AppendWriter(key);
    writers.set(key, writer);
  }
  return writer;
}
