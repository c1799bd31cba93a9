import { describe, expect, it } from 'vitest';
import { parseXml, findAll, pathPoints } from './_xml.js';

// The checker must itself reject malformed XML, or the SVG tests could not fail.
describe('test xml checker', () => {
  it('accepts a well-formed document and decodes entities', () => {
    const root = parseXml(
      '<?xml version="1.0"?><svg a="1 &amp; 2"><g><path d="M0 0 L1 1"/></g><text>x &lt; y &#65;</text></svg>',
    );
    expect(root.name).toBe('svg');
    expect(root.attrs.a).toBe('1 & 2');
    expect(findAll(root, 'path')).toHaveLength(1);
    expect(findAll(root, 'text')[0]!.text).toBe('x < y A');
    expect(pathPoints('M0 0 L1 1 M5 5')).toBe(3);
  });
  it.each([
    ['unclosed', '<svg><g></svg>'],
    ['mismatched', '<svg><g></h></svg>'],
    ['raw <', '<svg><text>a < b</text></svg>'],
    ['bare &', '<svg><text>a & b</text></svg>'],
    ['unknown entity', '<svg><text>&nbsp;</text></svg>'],
    ['duplicate attribute', '<svg a="1" a="2"/>'],
    ['unquoted attribute', '<svg a=1/>'],
    ['two roots', '<svg/><svg/>'],
    ['text after root', '<svg/>junk'],
    ['< in attribute', '<svg a="<"/>'],
  ])('rejects %s', (_, src) => {
    expect(() => parseXml(src)).toThrow(/xml:/);
  });
});
