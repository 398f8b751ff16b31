/**
 * A strict little XML reader for the EPUB's own documents: checks well-formedness (balanced tags, quoted
 * attributes, known entities, one root) and reads the text as blocks, the way a reading system shows it.
 */

export interface TextBlock {
  tag: string;
  text: string;
}

export interface XhtmlDocument {
  wellFormed: boolean;
  /** First well-formedness problem, for people. */
  problem?: string;
  blocks: TextBlock[];
  /** id → index of the block that starts at the element carrying it. */
  ids: Map<string, number>;
  /** src of every <img> / <image>. */
  images: string[];
  /** Non-space characters inside <pre>/<code>/<kbd>/<samp>/<tt>. */
  codeChars: number;
  /** All hrefs of <a> elements. */
  links: string[];
}

const BLOCK_TAGS = new Set(
  'p h1 h2 h3 h4 h5 h6 li pre td th dt dd div figcaption blockquote caption section article tr table ul ol dl figure header footer aside nav body br hr'.split(
    ' ',
  ),
);
const CODE_TAGS = new Set(['pre', 'code', 'kbd', 'samp', 'tt']);
const SKIP_TAGS = new Set(['head', 'script', 'style']);
const TOKEN_RE = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<[^>]*>?|[^<]+/g;
const TAG_RE = /^<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>$/;
const ATTR_RE = /([A-Za-z_][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ENTITY_RE = /&(#\d+|#x[0-9a-fA-F]+|[A-Za-z][\w.-]*);/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string | null {
  let ok = true;
  const decoded = text.replace(ENTITY_RE, (_, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    if (ref in NAMED) return NAMED[ref];
    ok = false;
    return '';
  });
  return ok ? decoded : null;
}

function hasStrayAmpersand(text: string): boolean {
  return /&(?!(#\d+|#x[0-9a-fA-F]+|[A-Za-z][\w.-]*);)/.test(text);
}

function attributesOf(raw: string): Map<string, string> | null {
  const attrs = new Map<string, string>();
  for (const match of raw.matchAll(ATTR_RE)) {
    const value = decodeEntities(match[2] ?? match[3] ?? '');
    if (value === null || attrs.has(match[1])) return null;
    attrs.set(match[1], value);
  }
  return attrs;
}

class Reader {
  readonly doc: XhtmlDocument = {
    wellFormed: true,
    blocks: [],
    ids: new Map(),
    images: [],
    codeChars: 0,
    links: [],
  };
  private readonly stack: string[] = [];
  private current: string[] = [];
  private currentTag: string | null = null;
  private skip = 0;
  private code = 0;
  private roots = 0;

  fail(problem: string): void {
    if (this.doc.wellFormed) this.doc.problem = problem;
    this.doc.wellFormed = false;
  }

  private flush(): void {
    const text = this.current
      .join('')
      .replace(/[ \t\r\f]+/g, ' ')
      .trim();
    if (text) this.doc.blocks.push({ tag: this.currentTag ?? 'div', text });
    this.current = [];
  }

  open(name: string, attrs: Map<string, string>, selfClosing: boolean): void {
    if (this.stack.length === 0 && ++this.roots > 1) this.fail('more than one root element');
    const tag = name.toLowerCase();
    if (SKIP_TAGS.has(tag)) this.skip++;
    if (BLOCK_TAGS.has(tag)) {
      this.flush();
      if (tag !== 'br') this.currentTag = tag;
    }
    const id = attrs.get('id');
    if (id !== undefined && !this.doc.ids.has(id)) this.doc.ids.set(id, this.doc.blocks.length);
    if (tag === 'img') this.doc.images.push(attrs.get('src') ?? '');
    if (tag === 'image') this.doc.images.push(attrs.get('xlink:href') ?? attrs.get('href') ?? '');
    if (tag === 'a' && attrs.has('href')) this.doc.links.push(attrs.get('href') ?? '');
    if (CODE_TAGS.has(tag)) this.code++;
    this.stack.push(name);
    if (selfClosing) this.close(name);
  }

  close(name: string): void {
    const top = this.stack.pop();
    if (top !== name) this.fail(`</${name}> closes <${top ?? 'nothing'}>`);
    const tag = name.toLowerCase();
    if (SKIP_TAGS.has(tag) && this.skip > 0) this.skip--;
    if (CODE_TAGS.has(tag) && this.code > 0) this.code--;
    if (BLOCK_TAGS.has(tag)) {
      this.flush();
      this.currentTag = null;
    }
  }

  text(raw: string): void {
    if (this.stack.length === 0) {
      if (raw.trim()) this.fail('text outside the root element');
      return;
    }
    if (hasStrayAmpersand(raw)) this.fail('unescaped "&"');
    const text = decodeEntities(raw);
    if (text === null) this.fail('unknown entity');
    if (this.skip > 0 || text === null) return;
    this.currentTag ??= 'div';
    this.current.push(text);
    if (this.code > 0) this.doc.codeChars += text.replace(/\s/g, '').length;
  }

  token(token: string): void {
    if (token.startsWith('<!--') || token.startsWith('<?') || token.startsWith('<!DOCTYPE')) return;
    if (token.startsWith('<![CDATA[')) return this.text(token.slice(9, -3).replace(/&/g, '&amp;'));
    if (!token.startsWith('<')) return this.text(token);
    const match = TAG_RE.exec(token);
    const attrs = match ? attributesOf(match[3]) : null;
    if (!match || !attrs) return this.fail(`malformed tag ${token.slice(0, 40)}`);
    if (match[1]) return this.close(match[2]);
    this.open(match[2], attrs, match[4] === '/');
  }

  finish(): XhtmlDocument {
    this.flush();
    if (this.stack.length > 0) this.fail(`<${this.stack[this.stack.length - 1]}> is never closed`);
    if (this.roots === 0) this.fail('no root element');
    return this.doc;
  }
}

export function readXhtml(source: string): XhtmlDocument {
  const reader = new Reader();
  // eslint-disable-next-line no-control-regex -- XML forbids these characters; finding them is the check
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(source)) reader.fail('control character');
  for (const match of source.matchAll(TOKEN_RE)) reader.token(match[0]);
  return reader.finish();
}
