import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { LineCounter, parseDocument, isMap, isNode, isScalar, type Document } from "yaml";
import { getAtPath, parsePointer, toPointer } from "./json-pointer.ts";

/** A place in one of the YAML files the document is split into. */
export interface SourceLocation {
  file: string;
  pointer: string;
  line?: number;
}

interface SourceFile {
  value: unknown;
  document: Document.Parsed;
  lineCounter: LineCounter;
}

const MAX_REF_HOPS = 32;

/**
 * Maps JSON pointers of the bundled document back to the file and pointer that contain them.
 *
 * The bundler inlines every path item and moves every referenced component to
 * `#/components/<type>/<name>`, so a pointer into the bundle does not name a file. The locator
 * walks the original files instead: it follows each `$ref` on the way, and finds a bundled
 * component by the last segment of the `$ref`s that point at it, which is how the bundler names
 * components.
 */
export class SourceLocator {
  private readonly files = new Map<string, SourceFile | null>();
  private componentOrigins: Map<string, SourceLocation[]> | undefined;

  constructor(readonly rootFile: string) {}

  /** Locates a pointer of the bundled document, or of a document dereferenced from it. */
  locate(bundledPointer: string): SourceLocation {
    const segments = parsePointer(bundledPointer);
    const start = this.startOf(segments);
    return this.walk(start.file, start.segments, segments.slice(start.consumed));
  }

  /** Returns the parsed content of `file`, or undefined when it cannot be read. */
  valueOf(file: string): unknown {
    return this.read(file)?.value;
  }

  /**
   * Returns the 1-based line of `pointer` in `file`: the line of the map key or sequence item it
   * names, or undefined when the file does not parse or the pointer does not exist there.
   */
  lineOf(file: string, pointer: string): number | undefined {
    const source = this.read(file);
    if (source === null) return undefined;
    const segments = parsePointer(pointer);
    const last = segments.at(-1);
    const parent = source.document.getIn(segments.slice(0, -1), true);
    let node: unknown = source.document.getIn(segments, true);
    if (last !== undefined && isMap(parent)) {
      node = parent.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === last)?.key ?? node;
    }
    if (segments.length === 0) return 1;
    if (!isNode(node) || node.range === undefined || node.range === null) return undefined;
    return source.lineCounter.linePos(node.range[0]).line;
  }

  private startOf(segments: readonly string[]): { file: string; segments: string[]; consumed: number } {
    const [first, kind, name] = segments;
    const root = this.read(this.rootFile)?.value;
    if (first === "components" && kind !== undefined && name !== undefined) {
      const inRoot = getAtPath(root, ["components", kind, name]) !== undefined;
      const origin = inRoot ? undefined : this.originsOf(name)[0];
      if (origin !== undefined) {
        return { file: origin.file, segments: parsePointer(origin.pointer), consumed: 3 };
      }
    }
    return { file: this.rootFile, segments: [], consumed: 0 };
  }

  private walk(file: string, base: string[], rest: readonly string[]): SourceLocation {
    let currentFile = file;
    let current = [...base];
    for (const [index, segment] of rest.entries()) {
      const followed = this.followRefs(currentFile, current);
      const node = getAtPath(this.read(followed.file)?.value, followed.segments);
      if (node === null || typeof node !== "object" || !(segment in node)) {
        // The segment exists only in the bundle, so the deepest original location gets the rest appended.
        return this.location(followed.file, [...followed.segments, ...rest.slice(index)]);
      }
      currentFile = followed.file;
      current = [...followed.segments, segment];
    }
    return this.location(currentFile, current);
  }

  private followRefs(file: string, segments: string[]): { file: string; segments: string[] } {
    let position = { file, segments };
    for (let hop = 0; hop < MAX_REF_HOPS; hop += 1) {
      const node = getAtPath(this.read(position.file)?.value, position.segments);
      const ref = refOf(node);
      if (ref === undefined) return position;
      const target = resolveRef(position.file, ref);
      if (this.read(target.file) === null) return position;
      position = target;
    }
    return position;
  }

  private location(file: string, segments: readonly string[]): SourceLocation {
    const pointer = toPointer(segments);
    const line = this.lineOf(file, pointer);
    return line === undefined ? { file, pointer } : { file, pointer, line };
  }

  private originsOf(name: string): SourceLocation[] {
    if (this.componentOrigins === undefined) {
      this.componentOrigins = new Map();
      this.collectOrigins(this.rootFile, new Set());
    }
    return this.componentOrigins.get(name) ?? [];
  }

  private collectOrigins(file: string, visited: Set<string>): void {
    if (visited.has(file)) return;
    visited.add(file);
    const source = this.read(file);
    if (source === null) return;
    for (const ref of collectRefs(source.value)) {
      const target = resolveRef(file, ref);
      const name = target.segments.at(-1);
      if (name !== undefined && target.file !== this.rootFile) {
        const origins = this.componentOrigins?.get(name) ?? [];
        const pointer = toPointer(target.segments);
        if (!origins.some((origin) => origin.file === target.file && origin.pointer === pointer)) {
          origins.push({ file: target.file, pointer });
        }
        this.componentOrigins?.set(name, origins);
      }
      this.collectOrigins(target.file, visited);
    }
  }

  private read(file: string): SourceFile | null {
    const cached = this.files.get(file);
    if (cached !== undefined) return cached;
    let source: SourceFile | null;
    try {
      const lineCounter = new LineCounter();
      const document = parseDocument(readFileSync(file, "utf8"), { lineCounter });
      source = { value: document.toJS({ maxAliasCount: -1 }), document, lineCounter };
    } catch {
      // The bundler reports unreadable files, so here the locator only falls back to the root.
      source = null;
    }
    this.files.set(file, source);
    return source;
  }
}

function refOf(node: unknown): string | undefined {
  if (node === null || typeof node !== "object") return undefined;
  const ref = (node as Record<string, unknown>)["$ref"];
  return typeof ref === "string" ? ref : undefined;
}

function resolveRef(fromFile: string, ref: string): { file: string; segments: string[] } {
  const hash = ref.indexOf("#");
  const filePart = hash === -1 ? ref : ref.slice(0, hash);
  const fragment = hash === -1 ? "" : ref.slice(hash);
  const file = filePart === "" ? fromFile : resolve(dirname(fromFile), filePart);
  return { file, segments: parsePointer(fragment) };
}

function collectRefs(value: unknown, refs: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, refs);
  } else if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$ref" && typeof inner === "string") refs.push(inner);
      else collectRefs(inner, refs);
    }
  }
  return refs;
}
