/** Thrown for input that cannot be split, e.g. an unclosed quote; the message says where. */
export class ShellWordsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellWordsError';
  }
}

/**
 * Splits a command line into words as a POSIX shell would, without running one: whitespace
 * separates words, single quotes keep everything literally, double quotes keep everything but
 * `\"` and `\\`, and a backslash outside quotes escapes the next character. No expansion of any
 * kind (`$VAR`, `*`, `~` stay as written).
 */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) {
        throw new ShellWordsError(`Unclosed single quote at column ${i + 1}`);
      }
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < line.length) {
        const d = line[i];
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) {
          word += line[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      if (!closed) {
        throw new ShellWordsError('Unclosed double quote');
      }
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < line.length) {
        word += line[i + 1];
      }
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) {
        words.push(word);
        word = '';
        inWord = false;
      }
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) {
    words.push(word);
  }
  return words;
}
