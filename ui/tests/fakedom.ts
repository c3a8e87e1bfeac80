// Just enough of a DOM for the views' builders (h) in the node test environment: elements,
// attributes, text, events, and querySelector on [attr="value"] selectors.

export class FakeNode {
  parent: FakeElement | null = null;
  get textContent(): string {
    return "";
  }
}

class FakeText extends FakeNode {
  constructor(public data: string) {
    super();
  }
  override get textContent(): string {
    return this.data;
  }
}

type Listener = (e: { type: string; target: FakeElement; preventDefault(): void }) => unknown;

export class FakeElement extends FakeNode {
  readonly tagName: string;
  private attrs = new Map<string, string>();
  childNodes: FakeNode[] = [];
  private listeners = new Map<string, Listener[]>();
  value = "";
  disabled = false;

  constructor(tag: string) {
    super();
    this.tagName = tag.toUpperCase();
  }
  setAttribute(k: string, v: string): void {
    this.attrs.set(k, String(v));
  }
  getAttribute(k: string): string | null {
    return this.attrs.get(k) ?? null;
  }
  hasAttribute(k: string): boolean {
    return this.attrs.has(k);
  }
  removeAttribute(k: string): void {
    this.attrs.delete(k);
  }
  addEventListener(type: string, f: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), f]);
  }
  /** Calls the listeners of `type`; resolves when async ones are done. */
  async fire(type: string): Promise<void> {
    await Promise.all((this.listeners.get(type) ?? []).map((f) => f({ type, target: this, preventDefault() {} })));
  }
  append(...nodes: (FakeNode | string)[]): void {
    for (const n of nodes) {
      const node = typeof n === "string" ? new FakeText(n) : n;
      node.parent?.removeChild(node);
      node.parent = this;
      this.childNodes.push(node);
    }
  }
  removeChild(n: FakeNode): void {
    this.childNodes = this.childNodes.filter((c) => c !== n);
    n.parent = null;
  }
  replaceChildren(...nodes: (FakeNode | string)[]): void {
    for (const c of this.childNodes) c.parent = null;
    this.childNodes = [];
    this.append(...nodes);
  }
  remove(): void {
    this.parent?.removeChild(this);
  }
  get children(): FakeElement[] {
    return this.childNodes.filter((c): c is FakeElement => c instanceof FakeElement);
  }
  override get textContent(): string {
    return this.childNodes.map((c) => c.textContent).join("");
  }
  set textContent(v: string) {
    this.replaceChildren(v);
  }
  /** Set on a root to stand for the document: its descendants are connected. */
  isRoot = false;
  get isConnected(): boolean {
    for (let p: FakeElement | null = this; p; p = p.parent) if (p.isRoot) return true;
    return false;
  }
  contains(n: FakeNode | null): boolean {
    for (let p: FakeNode | null = n; p; p = p.parent) if (p === this) return true;
    return false;
  }
  focus(): void {
    (globalThis as unknown as { document: { activeElement: FakeElement | null } }).document.activeElement = this;
  }
  /** Descendants matching `tag[attr="v"][attr]…` (tag optional), space for descendants. */
  querySelectorAll(sel: string): FakeElement[] {
    let found: FakeElement[] = [this];
    for (const part of sel.trim().split(/\s+(?![^[]*\])/)) {
      found = [...new Set(found.flatMap((e) => e.descendants(part)))];
    }
    return found;
  }
  private descendants(sel: string): FakeElement[] {
    const m = /^([a-z0-9]*)((?:\[[^\]]+\])*)$/i.exec(sel);
    if (!m) throw new Error(`selector not supported by the fake DOM: ${sel}`);
    const tag = m[1].toUpperCase();
    const conds = [...m[2].matchAll(/\[([\w-]+)(?:="([^"]*)")?\]/g)].map((x) => [x[1], x[2]] as const);
    const out: FakeElement[] = [];
    const walk = (e: FakeElement) => {
      for (const c of e.children) {
        if ((!tag || c.tagName === tag) && conds.every(([k, v]) => (v === undefined ? c.hasAttribute(k) : c.getAttribute(k) === v))) out.push(c);
        walk(c);
      }
    };
    walk(this);
    return out;
  }
  querySelector(sel: string): FakeElement | null {
    return this.querySelectorAll(sel)[0] ?? null;
  }
}

/** Installs `document` and `Node` on the global object. */
export function installFakeDom(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  g.Node = FakeNode;
  g.document = {
    activeElement: null,
    createElement: (tag: string) => new FakeElement(tag),
  };
}

/** The element of a view as the fake it is. */
export const fake = (e: unknown): FakeElement => e as FakeElement;

/** Lets pending promises settle. */
export const settle = () => new Promise((r) => setTimeout(r, 0));
