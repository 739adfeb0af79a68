import { readFileSync } from "node:fs";
import { join } from "node:path";

/*
 * Encodes OTLP JSON as protobuf, driven by the standard OpenTelemetry .proto files in tests/fixtures/opentelemetry-proto
 * (copied from open-telemetry/opentelemetry-proto): field numbers and types are read from the definitions, never typed
 * here, so the relay's hand-written decoder is checked against the real wire layout. Test support only.
 */

interface Field {
  name: string;
  jsonName: string;
  type: string;
  no: number;
  repeated: boolean;
  inOneof: boolean;
}

const DIR = join(import.meta.dirname, "..", "fixtures", "opentelemetry-proto", "opentelemetry", "proto");
const FILES = ["common/v1/common.proto", "resource/v1/resource.proto", "logs/v1/logs.proto", "collector/logs/v1/logs_service.proto"];

function loadSchema() {
  const messages = new Map<string, Field[]>();
  const enums = new Map<string, Map<string, number>>();
  for (const file of FILES) {
    const src = readFileSync(join(DIR, file), "utf8").replace(/\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");
    const stack: { kind: string; name: string }[] = [];
    for (const token of src.matchAll(/(message|enum|oneof)\s+(\w+)\s*\{|\}|([^;{}]+);/g)) {
      if (token[1]) {
        stack.push({ kind: token[1], name: token[2] });
        if (token[1] === "message") messages.set(token[2], []);
        if (token[1] === "enum") enums.set(token[2], new Map());
      } else if (token[0] === "}") stack.pop();
      else {
        const top = stack[stack.length - 1];
        if (!top) continue;
        const line = token[3].trim().replace(/\[[^\]]*\]/g, "").trim();
        if (top.kind === "enum") {
          const m = /^(\w+)\s*=\s*(\d+)/.exec(line);
          if (m) enums.get(top.name)!.set(m[1], Number(m[2]));
          continue;
        }
        const m = /^(repeated\s+)?([\w.]+)\s+(\w+)\s*=\s*(\d+)$/.exec(line);
        if (!m) continue;
        const owner = top.kind === "oneof" ? stack[stack.length - 2].name : top.name;
        const name = m[3];
        messages.get(owner)!.push({
          name,
          jsonName: name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
          type: m[2].split(".").pop()!,
          no: Number(m[4]),
          repeated: Boolean(m[1]),
          inOneof: top.kind === "oneof",
        });
      }
    }
  }
  return { messages, enums };
}

let schema: ReturnType<typeof loadSchema> | undefined;

function varint(out: number[], value: bigint) {
  let v = BigInt.asUintN(64, value);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

function fixed(out: number[], value: bigint, bytes: number) {
  let v = BigInt.asUintN(bytes * 8, value);
  for (let i = 0; i < bytes; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
}

function lengthDelimited(out: number[], no: number, payload: number[] | Uint8Array) {
  varint(out, BigInt((no << 3) | 2));
  varint(out, BigInt(payload.length));
  for (const b of payload) out.push(b);
}

const isDefault = (v: unknown) => v === undefined || v === null || v === "" || v === 0 || v === "0" || v === false || (Array.isArray(v) && v.length === 0);

function encodeMessage(type: string, value: Record<string, unknown>): number[] {
  const { messages, enums } = schema!;
  const fields = messages.get(type);
  if (!fields) throw new Error(`No message ${type} in the OpenTelemetry definitions`);
  const out: number[] = [];
  for (const f of fields) {
    const raw = value[f.jsonName] ?? value[f.name];
    if (raw === undefined || raw === null) continue;
    if (!f.inOneof && !f.repeated && isDefault(raw)) continue;
    for (const v of f.repeated ? (raw as unknown[]) : [raw]) {
      if (messages.has(f.type)) lengthDelimited(out, f.no, encodeMessage(f.type, v as Record<string, unknown>));
      else if (enums.has(f.type)) {
        varint(out, BigInt(f.no << 3));
        varint(out, BigInt(typeof v === "number" ? v : enums.get(f.type)!.get(String(v)) ?? 0));
      } else if (f.type === "string") lengthDelimited(out, f.no, Buffer.from(String(v), "utf8"));
      else if (f.type === "bytes") {
        // OTLP/JSON writes trace and span ids as hex, other bytes as base64.
        const hex = /^(traceId|spanId|trace_id|span_id)$/.test(f.name) || /Id$/.test(f.jsonName);
        lengthDelimited(out, f.no, Buffer.from(String(v), hex ? "hex" : "base64"));
      } else if (f.type === "bool") {
        varint(out, BigInt(f.no << 3));
        varint(out, v ? 1n : 0n);
      } else if (f.type === "double") {
        varint(out, BigInt((f.no << 3) | 1));
        const b = Buffer.alloc(8);
        b.writeDoubleLE(Number(v));
        for (const x of b) out.push(x);
      } else if (f.type === "fixed64" || f.type === "sfixed64") {
        varint(out, BigInt((f.no << 3) | 1));
        fixed(out, BigInt(v as string), 8);
      } else if (f.type === "fixed32" || f.type === "sfixed32") {
        varint(out, BigInt((f.no << 3) | 5));
        fixed(out, BigInt(v as string), 4);
      } else if (/^u?int(32|64)$/.test(f.type)) {
        varint(out, BigInt(f.no << 3));
        varint(out, BigInt(v as string));
      } else throw new Error(`Unhandled protobuf type ${f.type}`);
    }
  }
  return out;
}

/** An OTLP/HTTP JSON logs body, encoded as the protobuf ExportLogsServiceRequest an exporter with protocol "binary" sends. */
export function otlpLogsToProtobuf(jsonBody: string | Buffer): Uint8Array {
  schema ??= loadSchema();
  return Uint8Array.from(encodeMessage("ExportLogsServiceRequest", JSON.parse(String(jsonBody))));
}
