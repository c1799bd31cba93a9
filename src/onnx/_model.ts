import { ModelFormatError } from '../_lib/errors.js';
import {
  ProtoReader,
  ProtoWriter,
  bytesOf,
  floatOf,
  int64Of,
  pushInts,
  stringOf,
  type ProtoValue,
} from './_proto.js';

// The ONNX subset as plain objects, and its encoding (field numbers of
// onnx.proto: ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
// ValueInfoProto, TypeProto, TensorShapeProto).

/** ONNX TensorProto.DataType codes used here. */
export const FLOAT = 1;
export const INT32 = 6;
export const INT64 = 7;
export const DOUBLE = 11;

/** A constant tensor (an initializer or a Constant's value), decoded to numbers. */
export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  /** FLOAT or DOUBLE data as float32; INT32 or INT64 data as float64 (exact below 2^53). */
  readonly data: Float32Array | Float64Array;
  readonly dataType: number;
}

/** An attribute value. */
export type OnnxAttr =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'strings'; readonly value: readonly string[] }
  | { readonly kind: 'tensor'; readonly value: OnnxTensor }
  | { readonly kind: 'other' };

export interface OnnxNode {
  readonly op: string;
  readonly domain: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: ReadonlyMap<string, OnnxAttr>;
}

/** A graph input or output: its name and shape (a string for a symbolic dimension, null when unknown). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly elemType: number;
  readonly shape: readonly (number | string | null)[] | null;
}

export interface OnnxGraph {
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  readonly opset: number;
  readonly graph: OnnxGraph;
}

// ---------------------------------------------------------------- encoding

function encodeTensor(t: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter().packedInts(1, t.dims).int(2, t.dataType).string(8, t.name);
  if (t.dataType === FLOAT) {
    const f = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
    // raw_data is little-endian; copy through a DataView so big-endian hosts write the same bytes.
    const raw = new Uint8Array(f.length * 4);
    const dv = new DataView(raw.buffer);
    for (let i = 0; i < f.length; i++) dv.setFloat32(i * 4, f[i]!, true);
    w.bytes(9, raw);
  } else if (t.dataType === INT64) {
    w.packedInts(7, Array.from(t.data));
  } else throw new Error(`encodeTensor: data type ${t.dataType} is not written`);
  return w;
}

function encodeAttr(name: string, a: OnnxAttr): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  switch (a.kind) {
    case 'int':
      return w.int(3, a.value).int(20, 2);
    case 'float':
      return w.float(2, a.value).int(20, 1);
    case 'string':
      return w.string(4, a.value).int(20, 3);
    case 'ints':
      return w.packedInts(8, a.value).int(20, 7);
    case 'floats':
      for (const v of a.value) w.float(7, v);
      return w.int(20, 6);
    case 'tensor':
      return w.message(5, encodeTensor(a.value)).int(20, 4);
    case 'strings':
      for (const v of a.value) w.string(9, v);
      return w.int(20, 8);
    case 'other':
      throw new Error(`encodeAttr: ${name} cannot be written`);
  }
}

function encodeValueInfo(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.shape ?? []) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.int(1, d);
    else if (typeof d === 'string') dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().int(1, v.elemType);
  if (v.shape !== null) tensorType.message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

/** Encodes a model as ONNX protobuf bytes (IR version 8, the one of opset 17). */
export function encodeModel(m: OnnxModel, producer: string): Uint8Array {
  const g = new ProtoWriter();
  for (const n of m.graph.nodes) {
    const w = new ProtoWriter();
    for (const i of n.inputs) w.string(1, i);
    for (const o of n.outputs) w.string(2, o);
    w.string(3, n.name).string(4, n.op);
    for (const [k, a] of n.attrs) w.message(5, encodeAttr(k, a));
    if (n.domain !== '') w.string(7, n.domain);
    g.message(1, w);
  }
  g.string(2, 'myelin');
  for (const t of m.graph.initializers) g.message(5, encodeTensor(t));
  for (const v of m.graph.inputs) g.message(11, encodeValueInfo(v));
  for (const v of m.graph.outputs) g.message(12, encodeValueInfo(v));
  return new ProtoWriter()
    .int(1, 8)
    .string(2, producer)
    .message(7, g)
    .message(8, new ProtoWriter().string(1, '').int(2, m.opset))
    .finish();
}

// ---------------------------------------------------------------- decoding

/** Limits checked while decoding, before anything is allocated. */
export interface DecodeLimits {
  readonly maxElements: number;
}

const MAX_RANK = 8;
const MAX_LIST = 1 << 20;

function fail(message: string): never {
  throw new ModelFormatError(`fromOnnx: ${message}`);
}

function decodeTensor(bytes: Uint8Array, where: string, limits: DecodeLimits): OnnxTensor {
  const dims: number[] = [];
  let dataType = -1;
  let name = '';
  let raw: Uint8Array | null = null;
  const floats: Uint8Array[] = [];
  const floatSingles: number[] = [];
  const ints: number[] = [];
  const doubles: Uint8Array[] = [];
  let external = false;
  new ProtoReader(bytes, where).forEach((f, v) => {
    if (f === 1) pushInts(v, `${where} dims`, dims, MAX_RANK);
    else if (f === 2) dataType = int64Of(v, `${where} data_type`);
    else if (f === 8) name = stringOf(v, `${where} name`);
    else if (f === 9) raw = bytesOf(v, `${where} raw_data`);
    else if (f === 4) {
      if (v.wire === 5) floatSingles.push(floatOf(v, `${where} float_data`));
      else floats.push(bytesOf(v, `${where} float_data`));
    } else if (f === 5 || f === 7) pushInts(v, `${where} int data`, ints, limits.maxElements);
    else if (f === 10) doubles.push(bytesOf(v, `${where} double_data`));
    else if (f === 13 || f === 14) external = true;
  });
  const label = name === '' ? where : `${where} '${name}'`;
  if (external) fail(`${label} stores its data in an external file, which is not supported`);
  let count = 1;
  for (const d of dims) {
    if (d < 0) fail(`${label} has a negative dimension ${d}`);
    count *= d;
    if (count > limits.maxElements)
      fail(
        `${label} declares shape [${dims.join(',')}], more than the ${limits.maxElements} elements allowed`,
      );
  }
  const size =
    dataType === FLOAT || dataType === INT32
      ? 4
      : dataType === INT64 || dataType === DOUBLE
        ? 8
        : 0;
  if (size === 0)
    fail(
      `${label} has data type ${dataType}; supported: 1 (float), 6 (int32), 7 (int64), 11 (double)`,
    );
  const r = raw as Uint8Array | null;
  const floatOut = dataType === FLOAT || dataType === DOUBLE;
  if (r !== null) {
    if (r.length !== count * size)
      fail(
        `${label}: raw_data holds ${r.length} bytes, the shape [${dims.join(',')}] needs ${count * size}`,
      );
    const dv = new DataView(r.buffer, r.byteOffset, r.byteLength);
    const data = floatOut ? new Float32Array(count) : new Float64Array(count);
    for (let i = 0; i < count; i++) {
      if (dataType === FLOAT) data[i] = dv.getFloat32(i * 4, true);
      else if (dataType === DOUBLE) data[i] = dv.getFloat64(i * 8, true);
      else if (dataType === INT32) data[i] = dv.getInt32(i * 4, true);
      else {
        const b = dv.getBigInt64(i * 8, true);
        if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < BigInt(Number.MIN_SAFE_INTEGER))
          fail(`${label}: value ${b} is outside the safe integer range`);
        data[i] = Number(b);
      }
    }
    return { name, dims, data, dataType };
  }
  let have: number;
  if (dataType === FLOAT) have = floats.reduce((s, b) => s + b.length / 4, 0) + floatSingles.length;
  else if (dataType === DOUBLE) have = doubles.reduce((s, b) => s + b.length / 8, 0);
  else have = ints.length;
  if (have !== count)
    fail(`${label} holds ${have} values, the shape [${dims.join(',')}] needs ${count}`);
  const data = floatOut ? new Float32Array(count) : new Float64Array(ints);
  if (dataType === FLOAT) {
    let k = 0;
    for (const b of floats) {
      if (b.length % 4 !== 0)
        fail(`${label}: float_data is ${b.length} bytes, not a multiple of 4`);
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      for (let i = 0; i < b.length; i += 4) data[k++] = dv.getFloat32(i, true);
    }
    for (const x of floatSingles) data[k++] = x;
  } else if (dataType === DOUBLE) {
    let k = 0;
    for (const b of doubles) {
      if (b.length % 8 !== 0)
        fail(`${label}: double_data is ${b.length} bytes, not a multiple of 8`);
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      for (let i = 0; i < b.length; i += 8) data[k++] = dv.getFloat64(i, true);
    }
  }
  return { name, dims, data, dataType };
}

function decodeAttr(bytes: Uint8Array, where: string, limits: DecodeLimits): [string, OnnxAttr] {
  let name = '';
  let type = 0;
  let i = null as number | null;
  let f = null as number | null;
  let s = null as string | null;
  let t = null as OnnxTensor | null;
  const ints: number[] = [];
  const floats: number[] = [];
  const strings: string[] = [];
  new ProtoReader(bytes, where).forEach((k, v) => {
    if (k === 9) {
      strings.push(stringOf(v, `${where} strings`));
      if (strings.length > MAX_LIST) fail(`${where} strings has more than ${MAX_LIST} entries`);
    }
    if (k === 1) name = stringOf(v, `${where} name`);
    else if (k === 20) type = int64Of(v, `${where} type`);
    else if (k === 3) i = int64Of(v, `${where} i`);
    else if (k === 2) f = floatOf(v, `${where} f`);
    else if (k === 4) {
      const b = bytesOf(v, `${where} s`);
      s = new TextDecoder().decode(b);
    } else if (k === 5) t = decodeTensor(bytesOf(v, `${where} t`), `${where} tensor`, limits);
    else if (k === 8) pushInts(v, `${where} ints`, ints, MAX_LIST);
    else if (k === 7) {
      if (v.wire === 5) floats.push(floatOf(v, `${where} floats`));
      else {
        const b = bytesOf(v, `${where} floats`);
        if (b.length % 4 !== 0) fail(`${where} floats is ${b.length} bytes, not a multiple of 4`);
        const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
        for (let j = 0; j < b.length; j += 4) floats.push(dv.getFloat32(j, true));
      }
      if (floats.length > MAX_LIST) fail(`${where} floats has more than ${MAX_LIST} entries`);
    }
  });
  const at = `${where} '${name}'`;
  const need = <T>(v: T | null, what: string): T =>
    v ?? fail(`${at} has type ${what} but no value`);
  switch (type) {
    case 1:
      return [name, { kind: 'float', value: need(f, 'FLOAT') }];
    case 2:
      return [name, { kind: 'int', value: need(i, 'INT') }];
    case 3:
      return [name, { kind: 'string', value: need(s, 'STRING') }];
    case 4:
      return [name, { kind: 'tensor', value: need(t, 'TENSOR') }];
    case 6:
      return [name, { kind: 'floats', value: floats }];
    case 7:
      return [name, { kind: 'ints', value: ints }];
    case 8:
      return [name, { kind: 'strings', value: strings }];
    default:
      return [name, { kind: 'other' }];
  }
}

function decodeNode(bytes: Uint8Array, where: string, limits: DecodeLimits): OnnxNode {
  const inputs: string[] = [];
  const outputs: string[] = [];
  let name = '';
  let op = '';
  let domain = '';
  const attrs = new Map<string, OnnxAttr>();
  new ProtoReader(bytes, where).forEach((k, v) => {
    if (k === 1) inputs.push(stringOf(v, `${where} input`));
    else if (k === 2) outputs.push(stringOf(v, `${where} output`));
    else if (k === 3) name = stringOf(v, `${where} name`);
    else if (k === 4) op = stringOf(v, `${where} op_type`);
    else if (k === 7) domain = stringOf(v, `${where} domain`);
    else if (k === 5) {
      const [n, a] = decodeAttr(bytesOf(v, `${where} attribute`), `${where} attribute`, limits);
      attrs.set(n, a);
    }
  });
  if (op === '') fail(`${where} has no op_type`);
  return { op, domain, name, inputs, outputs, attrs };
}

function decodeValueInfo(bytes: Uint8Array, where: string): OnnxValueInfo {
  let name = '';
  let elemType = 0;
  let shape: (number | string | null)[] | null = null;
  new ProtoReader(bytes, where).forEach((k, v) => {
    if (k === 1) name = stringOf(v, `${where} name`);
    else if (k === 2)
      new ProtoReader(bytesOf(v, `${where} type`), `${where} type`).forEach((k2, v2) => {
        if (k2 !== 1) return; // tensor_type
        new ProtoReader(bytesOf(v2, `${where} tensor_type`), `${where} tensor_type`).forEach(
          (k3, v3) => {
            if (k3 === 1) elemType = int64Of(v3, `${where} elem_type`);
            else if (k3 === 2) {
              shape = [];
              const dims = shape;
              new ProtoReader(bytesOf(v3, `${where} shape`), `${where} shape`).forEach((k4, v4) => {
                if (k4 !== 1) return;
                if (dims.length >= MAX_RANK) fail(`${where} has rank above ${MAX_RANK}`);
                let d: number | string | null = null;
                new ProtoReader(bytesOf(v4, `${where} dim`), `${where} dim`).forEach((k5, v5) => {
                  if (k5 === 1) d = int64Of(v5, `${where} dim_value`);
                  else if (k5 === 2) d = stringOf(v5, `${where} dim_param`);
                });
                dims.push(d);
              });
            }
          },
        );
      });
  });
  return { name, elemType, shape };
}

/** Decodes ONNX protobuf bytes into the subset above; every size is checked before allocating. */
export function decodeModel(bytes: Uint8Array, limits: DecodeLimits): OnnxModel {
  let graphBytes: Uint8Array | null = null;
  let opset = -1;
  new ProtoReader(bytes, 'the model').forEach((k, v: ProtoValue) => {
    if (k === 7) graphBytes = bytesOf(v, 'the model graph');
    else if (k === 8) {
      let domain = '';
      let version = -1;
      new ProtoReader(bytesOf(v, 'opset_import'), 'opset_import').forEach((k2, v2) => {
        if (k2 === 1) domain = stringOf(v2, 'opset_import domain');
        else if (k2 === 2) version = int64Of(v2, 'opset_import version');
      });
      if (domain === '' || domain === 'ai.onnx') opset = version;
    }
  });
  if (graphBytes === null) fail('the bytes hold no graph (not an ONNX model, or truncated)');
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  new ProtoReader(graphBytes, 'the graph').forEach((k, v) => {
    if (k === 1) nodes.push(decodeNode(bytesOf(v, 'a node'), `node ${nodes.length}`, limits));
    else if (k === 5)
      initializers.push(
        decodeTensor(bytesOf(v, 'an initializer'), `initializer ${initializers.length}`, limits),
      );
    else if (k === 11)
      inputs.push(decodeValueInfo(bytesOf(v, 'an input'), `graph input ${inputs.length}`));
    else if (k === 12)
      outputs.push(decodeValueInfo(bytesOf(v, 'an output'), `graph output ${outputs.length}`));
  });
  if (opset < 0) fail('the model declares no ai.onnx opset');
  return { opset, graph: { nodes, initializers, inputs, outputs } };
}
