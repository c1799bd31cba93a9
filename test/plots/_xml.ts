// A small XML well-formedness checker for the SVG tests: no dependency, and
// the same code runs in Node and in the browser. It parses elements,
// attributes, text, comments and the five predefined entities plus numeric
// character references, and throws on anything malformed (unbalanced tags,
// duplicate attributes, a raw '<' or '&' in text, an unknown entity). In a
// browser the tests also cross-check with DOMParser.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][\w.:-]*/;

function decode(raw: string, where: number): string {
  return raw.replace(/&([^;]*);?/g, (m, body: string) => {
    if (!m.endsWith(';')) throw new Error(`xml: bare '&' at ${where}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (body in named) return named[body]!;
    const num = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(body);
    if (num)
      return String.fromCodePoint(
        body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10),
      );
    throw new Error(`xml: unknown entity &${body}; at ${where}`);
  });
}

/** Parses a whole document; throws with a position on malformed input. Returns the root element. */
export function parseXml(src: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const skipMisc = (): void => {
    for (;;) {
      while (i < src.length && /\s/.test(src[i]!)) i++;
      if (src.startsWith('<?', i)) {
        const end = src.indexOf('?>', i);
        if (end < 0) throw new Error('xml: unterminated processing instruction');
        i = end + 2;
      } else if (src.startsWith('<!--', i)) {
        const end = src.indexOf('-->', i);
        if (end < 0) throw new Error('xml: unterminated comment');
        i = end + 3;
      } else return;
    }
  };
  skipMisc();
  while (i < src.length) {
    if (src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i);
      if (end < 0) throw new Error(`xml: unterminated comment at ${i}`);
      i = end + 3;
      continue;
    }
    if (src[i] === '<' && src[i + 1] === '/') {
      const m = NAME.exec(src.slice(i + 2));
      if (!m) throw new Error(`xml: bad closing tag at ${i}`);
      const top = stack.pop();
      if (top?.name !== m[0])
        throw new Error(`xml: </${m[0]}> at ${i} closes <${top?.name ?? '(nothing)'}>`);
      i += 2 + m[0].length;
      while (/\s/.test(src[i] ?? '')) i++;
      if (src[i] !== '>') throw new Error(`xml: expected '>' at ${i}`);
      i++;
      if (stack.length === 0) {
        skipMisc();
        if (i < src.length) throw new Error(`xml: content after the root element at ${i}`);
      }
      continue;
    }
    if (src[i] === '<') {
      if (root !== null && stack.length === 0) throw new Error(`xml: second root element at ${i}`);
      const m = NAME.exec(src.slice(i + 1));
      if (!m) throw new Error(`xml: bad tag name at ${i}`);
      const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
      i += 1 + m[0].length;
      for (;;) {
        const ws = /^\s*/.exec(src.slice(i))![0].length;
        i += ws;
        if (src.startsWith('/>', i) || src[i] === '>') break;
        if (ws === 0) throw new Error(`xml: expected whitespace before an attribute at ${i}`);
        const a = NAME.exec(src.slice(i));
        if (!a) throw new Error(`xml: bad attribute name at ${i}: ${src.slice(i, i + 20)}`);
        i += a[0].length;
        if (src[i] !== '=') throw new Error(`xml: attribute ${a[0]} without value at ${i}`);
        const q = src[i + 1];
        if (q !== '"' && q !== "'") throw new Error(`xml: unquoted attribute ${a[0]} at ${i}`);
        const end = src.indexOf(q, i + 2);
        if (end < 0) throw new Error(`xml: unterminated attribute ${a[0]}`);
        const raw = src.slice(i + 2, end);
        if (raw.includes('<')) throw new Error(`xml: '<' in attribute ${a[0]} at ${i}`);
        if (a[0] in el.attrs) throw new Error(`xml: duplicate attribute ${a[0]} at ${i}`);
        el.attrs[a[0]] = decode(raw, i);
        i = end + 1;
      }
      if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
      else root = el;
      if (src.startsWith('/>', i)) {
        i += 2;
        if (stack.length === 0) {
          skipMisc();
          if (i < src.length) throw new Error(`xml: content after the root element at ${i}`);
        }
      } else {
        i += 1;
        stack.push(el);
      }
      continue;
    }
    const next = src.indexOf('<', i);
    const end = next < 0 ? src.length : next;
    if (stack.length === 0) throw new Error(`xml: text outside the root element at ${i}`);
    stack[stack.length - 1]!.text += decode(src.slice(i, end), i);
    i = end;
  }
  if (stack.length > 0) throw new Error(`xml: unclosed <${stack[stack.length - 1]!.name}>`);
  if (root === null) throw new Error('xml: no root element');
  // In a browser, the real parser must agree that the document is well formed.
  const DP = (
    globalThis as {
      DOMParser?: new () => {
        parseFromString(
          s: string,
          t: string,
        ): { getElementsByTagName(n: string): { length: number } };
      };
    }
  ).DOMParser;
  if (DP !== undefined) {
    const doc = new DP().parseFromString(src, 'image/svg+xml');
    if (doc.getElementsByTagName('parsererror').length > 0)
      throw new Error('xml: DOMParser reports a parse error');
  }
  return root;
}

/** Every element in document order (the root included). */
export function allElements(el: XmlElement): XmlElement[] {
  return [el, ...el.children.flatMap(allElements)];
}

/** Elements with a tag name, optionally with a class. */
export function findAll(el: XmlElement, name: string, cls?: string): XmlElement[] {
  return allElements(el).filter(
    (e) => e.name === name && (cls === undefined || (e.attrs.class ?? '').split(' ').includes(cls)),
  );
}

/** Number of points in an SVG path's `d` (one per M or L command). */
export function pathPoints(d: string): number {
  return (d.match(/[ML]/g) ?? []).length;
}

/** All text content below an element, concatenated. */
export function textOf(el: XmlElement): string {
  return el.text + el.children.map(textOf).join('');
}
