/**
 * Where the CLI gets a password: standard input (`--password-stdin`, for scripts and secret
 * managers), or a prompt on the terminal that does not echo what is typed and asks twice.
 * Passwords are never taken from an environment variable, and `--password` on the command line
 * works only with a warning (other local users can see a process's arguments).
 */
import type { Readable, Writable } from 'node:stream';

/** Everything on standard input, without the one line ending a shell pipe or heredoc adds. */
export async function readAllStdin(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

interface TtyInput extends Readable {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export function isTerminal(input: TtyInput): boolean {
  return input.isTTY === true && typeof input.setRawMode === 'function';
}

/** Reads one line from a terminal without echoing it. Ctrl-C or Ctrl-D cancels. */
export function promptHidden(prompt: string, input: TtyInput, output: Writable): Promise<string> {
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (err?: Error): void => {
      input.off('data', onData);
      input.setRawMode!(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    output.write(prompt);
    input.setRawMode!(true);
    input.resume();
    input.on('data', onData);
  });
}

/** Asks twice on the terminal; the two must match. */
export async function promptNewPassword(input: TtyInput, output: Writable): Promise<string> {
  const first = await promptHidden('New password: ', input, output);
  const again = await promptHidden('Repeat it: ', input, output);
  if (first !== again) throw new Error('the two passwords differ');
  return first;
}
