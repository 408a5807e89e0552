/**
 * The part of Log Service's search syntax the stand-in understands, for GetLogs: `*`,
 * `key: value` / `key: "quoted value"`, `and`, `or`, `not` (any case) and parentheses, with
 * the documented precedence `()` > `not` > `and` > `or`
 * (Log Service docs, "Search syntax": https://www.alibabacloud.com/help/en/sls/user-guide/search-syntax).
 * Anything else (an analytic `| SELECT ...`, full-text words, ranges, wildcards) is refused with
 * a `SearchSyntaxError` rather than guessed at, so a reader never gets "everything" by mistake.
 *
 * Matching: field values are compared case-insensitively (the index the setup creates is not
 * case sensitive); a value matches when it equals the field, or equals one of the field's tokens
 * split at the index's delimiters.
 */

export class SearchSyntaxError extends Error {
  override readonly name = 'SearchSyntaxError';
}

export type SearchNode =
  | { kind: 'all' }
  | { kind: 'term'; key: string; value: string }
  | { kind: 'not'; node: SearchNode }
  | { kind: 'and' | 'or'; left: SearchNode; right: SearchNode };

type Token = { t: 'word'; v: string } | { t: 'quoted'; v: string } | { t: '(' | ')' | ':' | '*' };

function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ':' || ch === '*') {
      tokens.push({ t: ch });
      i++;
    } else if (ch === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      if (text[i] !== '"') throw new SearchSyntaxError('unterminated quoted value');
      i++;
      tokens.push({ t: 'quoted', v: value });
    } else if (ch === '|') {
      throw new SearchSyntaxError('the stand-in runs no analytic statements (| SELECT ...)');
    } else {
      let word = '';
      while (i < text.length && !/[\s():*"|]/.test(text[i]!)) word += text[i++];
      tokens.push({ t: 'word', v: word });
    }
  }
  return tokens;
}

/** Parses a search statement. An empty statement means `*`. @throws SearchSyntaxError */
export function parseSearch(text: string): SearchNode {
  const tokens = lex(text);
  if (tokens.length === 0) return { kind: 'all' };
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (tok: Token | undefined, op: string): boolean =>
    tok?.t === 'word' && tok.v.toLowerCase() === op;

  const orExpr = (): SearchNode => {
    let left = andExpr();
    while (isOp(peek(), 'or')) {
      pos++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };
  const andExpr = (): SearchNode => {
    let left = notExpr();
    while (isOp(peek(), 'and')) {
      pos++;
      left = { kind: 'and', left, right: notExpr() };
    }
    return left;
  };
  const notExpr = (): SearchNode => {
    if (isOp(peek(), 'not')) {
      pos++;
      return { kind: 'not', node: notExpr() };
    }
    return atom();
  };
  const atom = (): SearchNode => {
    const tok = peek();
    if (!tok) throw new SearchSyntaxError('the statement ends too early');
    if (tok.t === '(') {
      pos++;
      const inner = orExpr();
      if (peek()?.t !== ')') throw new SearchSyntaxError('a ( is not closed');
      pos++;
      return inner;
    }
    if (tok.t === '*') {
      pos++;
      return { kind: 'all' };
    }
    if (tok.t === 'word' && tokens[pos + 1]?.t === ':') {
      const value = tokens[pos + 2];
      if (value?.t !== 'word' && value?.t !== 'quoted') {
        throw new SearchSyntaxError(`${tok.v}: needs a value`);
      }
      pos += 3;
      return { kind: 'term', key: tok.v, value: value.v };
    }
    throw new SearchSyntaxError(
      `only key: value terms are supported by the stand-in, not ${JSON.stringify(tok.t === 'word' || tok.t === 'quoted' ? tok.v : tok.t)}`,
    );
  };

  const node = orExpr();
  if (pos !== tokens.length) throw new SearchSyntaxError('unexpected text after the statement');
  return node;
}

/** The keys a statement searches (to check they are indexed). */
export function searchKeys(node: SearchNode): string[] {
  switch (node.kind) {
    case 'all':
      return [];
    case 'term':
      return [node.key];
    case 'not':
      return searchKeys(node.node);
    default:
      return [...searchKeys(node.left), ...searchKeys(node.right)];
  }
}

/** Whether a log's contents match. `delimiters`: the index's token characters. */
export function matches(
  node: SearchNode,
  contents: Record<string, string>,
  delimiters: readonly string[],
): boolean {
  switch (node.kind) {
    case 'all':
      return true;
    case 'term': {
      const field = contents[node.key];
      if (field === undefined) return false;
      const want = node.value.toLowerCase();
      const have = field.toLowerCase();
      if (have === want) return true;
      const parts = delimiters.length === 0 ? [have] : splitAt(have, delimiters);
      return parts.includes(want);
    }
    case 'not':
      return !matches(node.node, contents, delimiters);
    case 'and':
      return matches(node.left, contents, delimiters) && matches(node.right, contents, delimiters);
    default:
      return matches(node.left, contents, delimiters) || matches(node.right, contents, delimiters);
  }
}

function splitAt(text: string, delimiters: readonly string[]): string[] {
  const parts: string[] = [];
  let current = '';
  for (const ch of text) {
    if (delimiters.includes(ch)) {
      if (current) parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current) parts.push(current);
  return parts;
}
