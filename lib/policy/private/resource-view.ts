import { DefaultTokenResolver, StringConcat, TerraformDataSource, TerraformResource, TerraformStack, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";
import { asString, isObject, type Json, type JsonObject } from "./json";

/** One resource (or data source) as a rule sees it: its type and its attributes as plain JSON. */
export interface ResourceView {
  /** `resource` or `data`. */
  readonly kind: "resource" | "data";
  /** The Terraform type, e.g. `aws_s3_bucket`. */
  readonly type: string;
  /** The logical name in the synthesized JSON (cdktf's friendly unique id). */
  readonly name: string;
  /** How other resources reference it: `aws_s3_bucket.Store_C1F82936`, `data.aws_iam_policy_document.X`. */
  readonly address: string;
  /** The construct path, e.g. `site/Store/Resource/Resource`. */
  readonly path: string;
  readonly construct: IConstruct;
  /**
   * The attributes exactly as `cdk.tf.json` will hold them (escape-hatch overrides applied, tokens
   * resolved to literals or `${...}` expressions), without cdktf's `//` metadata.
   */
  readonly attributes: JsonObject;
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());

type Element = TerraformResource | TerraformDataSource;

function isElement(node: IConstruct): node is Element {
  return TerraformResource.isTerraformResource(node) || node instanceof TerraformDataSource;
}

/**
 * The resolved view of one resource or data source, or undefined when it renders no block (a
 * resource that was moved). Resolution is the same cdktf applies when it writes `cdk.tf.json`,
 * without the "preparing" pass, so it has no side effects (no cross-stack outputs are created).
 */
export function viewOf(element: Element): ResourceView | undefined {
  const stack = TerraformStack.of(element);
  const kind = element instanceof TerraformDataSource ? "data" : "resource";
  const resolved: unknown = Tokenization.resolve(element.toTerraform(), { scope: stack, preparing: false, resolver: RESOLVER });
  // A JSON round trip drops `undefined` and gives plain, detached data.
  const plain = JSON.parse(JSON.stringify(resolved ?? {})) as Json;
  const byType = isObject(plain) ? plain[kind] : undefined;
  const byName = isObject(byType) ? byType[element.terraformResourceType] : undefined;
  const block = isObject(byName) ? byName[element.friendlyUniqueId] : undefined;
  if (!isObject(block)) return undefined;
  const attributes: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(block)) if (key !== "//") attributes[key] = value;
  const type = element.terraformResourceType;
  const name = element.friendlyUniqueId;
  return {
    kind,
    type,
    name,
    address: kind === "data" ? `data.${type}.${name}` : `${type}.${name}`,
    path: element.node.path,
    construct: element,
    attributes,
  };
}

/** The bodies of every `${...}` expression in the strings of `value` (at any depth). */
export function expressionsIn(value: Json | undefined): string[] {
  const out: string[] = [];
  const visit = (v: Json | undefined): void => {
    if (typeof v === "string") {
      for (let i = v.indexOf("${"); i >= 0; i = v.indexOf("${", i + 2)) {
        let depth = 0;
        let end = -1;
        for (let j = i + 2; j < v.length; j++) {
          if (v[j] === "{") depth++;
          else if (v[j] === "}") {
            if (depth === 0) {
              end = j;
              break;
            }
            depth--;
          }
        }
        if (end < 0) break;
        out.push(v.slice(i + 2, end));
      }
    } else if (Array.isArray(v)) {
      (v as readonly Json[]).forEach(visit);
    } else if (isObject(v)) {
      Object.values(v).forEach(visit);
    }
  };
  visit(value);
  return out;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Every resource of one stack, resolved once, with the lookups rules need: by type, by address,
 * and "which resources point at this one".
 */
export class StackView {
  /** The view of every resource and data source under `scope` (normally a stack). */
  public static of(scope: IConstruct): StackView {
    const views: ResourceView[] = [];
    for (const node of scope.node.findAll()) {
      if (!isElement(node)) continue;
      const view = viewOf(node);
      if (view) views.push(view);
    }
    return new StackView(views);
  }

  public readonly resources: readonly ResourceView[];
  public readonly dataSources: readonly ResourceView[];
  private readonly byType = new Map<string, ResourceView[]>();
  private readonly byAddress = new Map<string, ResourceView>();
  private readonly patterns = new Map<string, RegExp>();

  constructor(views: readonly ResourceView[]) {
    this.resources = views.filter((v) => v.kind === "resource");
    this.dataSources = views.filter((v) => v.kind === "data");
    for (const v of views) {
      const key = v.kind === "data" ? `data.${v.type}` : v.type;
      const list = this.byType.get(key) ?? [];
      list.push(v);
      this.byType.set(key, list);
      this.byAddress.set(v.address, v);
    }
  }

  /** Resources of a type (`aws_s3_bucket`), or data sources with a `data.` prefix (`data.aws_iam_policy_document`). */
  public ofType(type: string): readonly ResourceView[] {
    return this.byType.get(type) ?? [];
  }

  /** The resource or data source at an address. */
  public at(address: string): ResourceView | undefined {
    return this.byAddress.get(address);
  }

  /** Whether an expression in `value` references `target` (any of its attributes). */
  public references(value: Json | undefined, target: ResourceView): boolean {
    let pattern = this.patterns.get(target.address);
    if (!pattern) {
      pattern = new RegExp(`(?<![\\w.-])${escape(target.address)}(?![\\w-])`);
      this.patterns.set(target.address, pattern);
    }
    const p = pattern;
    return expressionsIn(value).some((e) => p.test(e));
  }

  /**
   * Whether `value` names `target`: references it, or equals its literal `nameAttribute` (a
   * resource configured with a bucket's name as a plain string, e.g. `bucket = "site-brp"`).
   */
  public names(value: Json | undefined, target: ResourceView, nameAttribute: string): boolean {
    if (this.references(value, target)) return true;
    const literal = asString(target.attributes[nameAttribute]);
    return literal !== undefined && !literal.includes("${") && value === literal;
  }

  /** Resources of `type` whose `attribute` names `target` (see {@link StackView.names}). */
  public attachedTo(type: string, attribute: string, target: ResourceView, nameAttribute: string): readonly ResourceView[] {
    return this.ofType(type).filter((r) => this.names(r.attributes[attribute], target, nameAttribute));
  }

  /** The stack's resources and data sources that `value` references. */
  public referencedBy(value: Json | undefined): readonly ResourceView[] {
    const found = new Map<string, ResourceView>();
    for (const expression of expressionsIn(value)) {
      for (const match of expression.matchAll(/(?<![\w.-])((?:data\.)?[a-z][a-z0-9_]*\.[\w-]+)/g)) {
        const view = this.byAddress.get(match[1]);
        if (view) found.set(view.address, view);
      }
    }
    return [...found.values()];
  }
}
