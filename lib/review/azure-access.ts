/**
 * Who can do what where on Azure, decided from the synthesized Terraform JSON alone (the
 * `cdk.tf.json` of each stack in `cdktf.out`), never from the constructs that produced it.
 *
 * What it reads: `azurerm_role_assignment` (scope, principal, built-in role by name or id, or a
 * custom role) and `azurerm_role_definition` (permissions and assignable scopes), and the
 * resources their Terraform references point at, to turn `${azurerm_storage_container.X.id}` into
 * the ARM path `/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Storage/
 * storageAccounts/<account>/blobServices/default/containers/<name>` built from the resources' own
 * attributes. Anything a role assignment or role definition needs that cannot be resolved at
 * synth (a data source, a variable, a function call, a computed attribute) is an error naming the
 * stack, the resource and the expression: an answer from a guessed scope would be worse than none.
 * (A resource no assignment needs is listed with `unresolved` instead of failing the listing.)
 *
 * How it decides, as Azure RBAC does (learn.microsoft.com/azure/role-based-access-control/
 * role-definitions, MicrosoftDocs/azure-docs articles/role-based-access-control/role-definitions.md):
 * - an assignment applies at its scope and every scope below it (a path-segment prefix, compared
 *   case-insensitively like ARM ids);
 * - a role allows an operation when one of its `Actions` (control plane) or `DataActions` (data
 *   plane) patterns matches it and none of the same permission's `NotActions`/`NotDataActions`
 *   does; `*` matches any run of characters, `/` included (`*\/read`, `Microsoft.Storage/*\/read`),
 *   case-insensitively. Control and data planes are separate: `*` in Actions grants no data action;
 * - `NotActions` is a subtraction, not a deny: another assignment may still grant the operation;
 * - deny assignments: none are modelled, because none can be synthesized: Azure creates them
 *   only for Blueprints, managed applications and deployment stacks ("You can't directly create
 *   your own deny assignments", articles/role-based-access-control/deny-assignments.md). A stack
 *   holding a deployment stack or deny assignment through `azapi_resource` is refused;
 * - a storage account that allows shared keys (`shared_access_key_enabled`, default true in
 *   azurerm 4.x, internal/services/storage/storage_account_resource.go) lets anyone who may call
 *   `listKeys` do every storage data action there ("To read the blobs, Alice would have to
 *   retrieve the storage access keys", role-definitions.md): such grants are reported `via:
 *   "shared-key"`. An account not in the stacks is assumed to allow shared keys (Azure's default);
 * - role assignment conditions (Azure ABAC): an assignment with a `condition` grants an operation
 *   only when its condition allows it ("If the expression evaluates to true, the overall condition
 *   evaluates to true to allow <action> to be performed. Otherwise, <action> is not allowed",
 *   learn.microsoft.com/azure/role-based-access-control/conditions-format, "How a condition is
 *   evaluated"). One condition is evaluated: exactly the list-only form (LIST_ONLY_CONDITION of
 *   lib/azure/perms.ts, version 2.0, whitespace and enclosing parentheses aside), which allows
 *   `blobs/read` only for the suboperation `Blob.List` and every other operation unchanged
 *   (storage-auth-abac-attributes, "List blobs" / "Read a blob: All blob read operations excluding
 *   list"). A request names its suboperation in {@link AzureAction}; a `blobs/read` request without
 *   one is a blob read (Get Blob and the rest), never a listing. Any other condition (another text,
 *   another version, no version) is not evaluated and counts as met: the grant is reported with
 *   `condition: "not-evaluated"` and the decision `unevaluated`. That direction is the safe one for
 *   what the access matrix and the review ask ("who can read, delete, write here?"): a condition the
 *   evaluator cannot read must not hide a grant; a caller who needs a grant to be certain checks
 *   `unevaluated`;
 * - refused rather than guessed: key vaults that use access policies instead of RBAC, role
 *   assignments made with `azapi_resource`, `count`/`for_each`.
 * Not modelled: Entra ID group membership (a principal is its object id), privilege escalation
 * paths (who may write role assignments is itself answered: ask for
 * `Microsoft.Authorization/roleAssignments/write`), and resource locks and immutability policies,
 * which constrain what an allowed operation can do but are not authorization.
 */
import { AZURE_BUILT_IN_ROLES, type RolePermission } from "./azure-built-in-roles";
import {
  isObject,
  type Json,
  type JsonObject,
  parseReference,
  readCdktfOut,
  type Reference,
  referenceText,
  type SynthesizedStack,
  templateParts,
} from "./terraform-json";

/**
 * An operation to check: a control-plane action or a data-plane data action, as Azure names them. A
 * data action may name the request's suboperation, as role-assignment conditions see it (e.g.
 * `Blob.List` for List Blobs, storage-auth-abac-attributes "Azure Blob Storage actions and
 * suboperations"); without one, `.../blobs/read` is a blob read (Get Blob, Get Blob Properties, ...).
 */
export type AzureAction = { readonly action: string } | { readonly dataAction: string; readonly subOperation?: string };

/** The suboperation of List Blobs (`.../blobs/read` with `Blob.List`). */
export const BLOB_LIST_SUBOPERATION = "Blob.List";

/** A role assignment's condition (Azure ABAC) and what the evaluator makes of it. */
export interface AzureCondition {
  /** The condition exactly as the stack holds it. */
  readonly text: string;
  /** `condition_version`, if set. */
  readonly version?: string;
  /**
   * `list-only`: the documented list-only form, version 2.0 (`blobs/read` allowed only for
   * `Blob.List`); `unrecognised`: anything else, not evaluated (counts as met: possibly allowed).
   */
  readonly meaning: "list-only" | "unrecognised";
}

/** A security principal that holds role assignments. */
export interface AzurePrincipal {
  /**
   * How to name it to {@link AzureAccess.can}: a lower-case Entra ID object id, or, for a managed
   * identity whose object id exists only after apply, the ARM id of the user-assigned identity (or
   * of the resource whose system-assigned identity it is).
   */
  readonly id: string;
  readonly kind: "object-id" | "user-assigned-identity" | "system-assigned-identity";
  /** The identity resource (managed identities only). */
  readonly resource?: AzureResource;
}

/** A role definition: a built-in role, or a custom role from the stacks. */
export interface AzureRole {
  readonly name: string;
  readonly builtIn: boolean;
  /** The role definition GUID, where known at synth (built-in roles, custom roles with `role_definition_id`). */
  readonly id?: string;
  readonly permissions: readonly RolePermission[];
  /** `["/"]` for built-in roles. */
  readonly assignableScopes: readonly string[];
  /** Where a custom role is defined. */
  readonly definedIn?: { readonly stack: string; readonly address: string };
}

/** One resource of a stack, with its ARM id where the evaluator can build it. */
export interface AzureResource {
  readonly stack: string;
  /** The Terraform type, e.g. `azurerm_storage_account`. */
  readonly type: string;
  /** The logical name in the stack. */
  readonly name: string;
  /** `type.name`, as Terraform addresses it. */
  readonly address: string;
  /**
   * The canonical ARM id, or undefined for a type whose id format the evaluator does not know or
   * whose id cannot be built at synth (then `unresolved` says why).
   */
  readonly path: string | undefined;
  readonly unresolved?: string;
  /** The attributes exactly as `cdk.tf.json` holds them (without cdktf's `//` metadata). */
  readonly attributes: JsonObject;
  /** Literal tags (`tags`), for grouping in the review. */
  readonly tags: Readonly<Record<string, string>>;
}

/** An `azurerm_role_assignment` with everything resolved. */
export interface AzureRoleAssignment {
  readonly stack: string;
  readonly address: string;
  /** The canonical ARM scope. */
  readonly scope: string;
  readonly principal: AzurePrincipal;
  readonly role: AzureRole;
  readonly description?: string;
  /** The assignment's condition (Azure ABAC), if it has one. */
  readonly condition?: AzureCondition;
}

/** Why an operation is allowed: an assignment whose role holds it (or holds `listKeys` where shared keys work). */
export interface AzureGrant {
  readonly assignment: AzureRoleAssignment;
  /** `role`: the role holds the operation; `shared-key`: the role holds `listKeys` on an account that accepts shared keys. */
  readonly via: "role" | "shared-key";
  /** The role's pattern that matched (e.g. `*\/read`). */
  readonly pattern: string;
  /**
   * Set when the assignment has a condition: `met` (evaluated, it allows this request) or
   * `not-evaluated` (a condition the evaluator does not recognise: the grant may not hold).
   */
  readonly condition?: "met" | "not-evaluated";
}

/** The answer to "can P do A at R?". */
export interface AzureDecision {
  readonly allowed: boolean;
  /** Every grant that allows it (empty when not allowed). */
  readonly grants: readonly AzureGrant[];
  /** Allowed only through grants whose condition was not evaluated: possibly allowed, possibly not. */
  readonly unevaluated: boolean;
}

/** One assignment of a principal, for listing what it may do where. */
export interface AzureAccessEntry {
  readonly scope: string;
  /** The resource at exactly that scope, if it is in the stacks. */
  readonly resource?: AzureResource;
  readonly role: AzureRole;
  readonly assignment: AzureRoleAssignment;
}

/** One allowed cell of an access matrix. */
export interface AzureAccessCell {
  readonly principal: AzurePrincipal;
  readonly resource: AzureResource;
  readonly action: AzureAction;
  readonly grants: readonly AzureGrant[];
}

/** Whether an Azure action pattern matches an operation: `*` matches anything (`/` too), case-insensitively. */
export function azureActionMatches(pattern: string, operation: string): boolean {
  // Azure's only wildcard is `*` (role-definitions.md, "Actions format"); IAM's `?` is not one.
  const body = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${body}$`, "i").test(operation);
}

/** Whether ARM scope `scope` is `path` or one of its ancestors (segment-wise, case-insensitive). */
export function scopeContains(scope: string, path: string): boolean {
  const s = scope.toLowerCase().replace(/\/+$/, "");
  const p = path.toLowerCase().replace(/\/+$/, "");
  return s === "" || p === s || p.startsWith(`${s}/`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLE_GUID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;
const STORAGE_ACCOUNT = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/[^/]+)(\/|$)/i;
const LIST_KEYS = "Microsoft.Storage/storageAccounts/listKeys/action";
const BLOB_READ = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
/** The one action clause the evaluator reads, after whitespace is normalized and enclosing parentheses are removed. */
const LIST_ONLY_CLAUSE = /^!\(ActionMatches\{'([^']*)'\} AND NOT SubOperationMatches\{'Blob\.List'\}\)$/;

/** Whether the parenthesis opening `text` closes at its last character. */
function enclosed(text: string): boolean {
  if (!text.startsWith("(") || !text.endsWith(")")) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")") depth--;
    if (depth === 0 && i < text.length - 1) return false;
  }
  return depth === 0;
}

/**
 * What a role-assignment condition means to the evaluator: `list-only` for exactly
 * `!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT
 * SubOperationMatches{'Blob.List'})` at version 2.0, in any number of enclosing parentheses and
 * with any whitespace between tokens (the documented examples are written over several lines);
 * the action name compares case-insensitively, like ActionMatches ("equivalent to the action
 * matching logic ... when comparing an action to an action pattern inside a Permission",
 * conditions-format). Everything else is `unrecognised`.
 */
export function conditionMeaning(text: string, version: string | undefined): AzureCondition["meaning"] {
  if (version !== "2.0") return "unrecognised";
  let t = text.replace(/\s+/g, " ").trim().replace(/ ?([()]) ?/g, "$1");
  while (enclosed(t)) t = t.slice(1, -1);
  const m = LIST_ONLY_CLAUSE.exec(t);
  return m !== null && m[1].toLowerCase() === BLOB_READ.toLowerCase() ? "list-only" : "unrecognised";
}

/** Whether `condition` allows the request `op` (with `subOperation`): `not-evaluated` when it is not understood. */
function conditionAllows(condition: AzureCondition, op: string, subOperation: string | undefined): boolean | "not-evaluated" {
  if (condition.meaning !== "list-only") return "not-evaluated";
  // !(ActionMatches{blobs/read} AND NOT SubOperationMatches{'Blob.List'})
  return !(azureActionMatches(BLOB_READ, op) && subOperation !== BLOB_LIST_SUBOPERATION);
}

/**
 * Resources that live directly in a resource group: `{rg id}/providers/{type}/{name}`, the ARM id
 * layout (e.g. hashicorp/go-azure-helpers resourcemanager/commonids/key_vault.go,
 * storage_account.go, user_assigned_identity.go; go-azure-sdk operationalinsights workspaces).
 */
const IN_RESOURCE_GROUP: Readonly<Record<string, string>> = {
  azurerm_storage_account: "Microsoft.Storage/storageAccounts",
  azurerm_key_vault: "Microsoft.KeyVault/vaults",
  azurerm_log_analytics_workspace: "Microsoft.OperationalInsights/workspaces",
  azurerm_user_assigned_identity: "Microsoft.ManagedIdentity/userAssignedIdentities",
  azurerm_virtual_network: "Microsoft.Network/virtualNetworks",
  azurerm_network_security_group: "Microsoft.Network/networkSecurityGroups",
};
const WITH_PATH = new Set([...Object.keys(IN_RESOURCE_GROUP), "azurerm_resource_group", "azurerm_storage_container", "azurerm_key_vault_key", "azapi_resource"]);

/** A resolved expression: text, or one of the things only a reference can denote. */
type Value = { readonly kind: "text"; readonly text: string } | { readonly kind: "principal"; readonly principal: AzurePrincipal } | { readonly kind: "role"; readonly role: AzureRole };

/** Resolves references inside the stacks' JSON. Internal. */
class Resolver {
  private readonly byName = new Map<string, SynthesizedStack>();
  private readonly paths = new Map<string, string>();
  private readonly customRoles = new Map<string, AzureRole>();
  private readonly visiting = new Set<string>();
  private readonly resourcesByType = new Map<string, AzureResource[]>();

  constructor(stacks: readonly SynthesizedStack[]) {
    for (const s of stacks) {
      if (this.byName.has(s.name)) throw new Error(`two stacks are named '${s.name}'`);
      this.byName.set(s.name, s);
    }
  }

  public get stacks(): readonly SynthesizedStack[] {
    return [...this.byName.values()];
  }

  public attributesOf(stack: string, type: string, name: string): JsonObject | undefined {
    const block = this.byName.get(stack)?.json.resource?.[type]?.[name];
    return isObject(block) ? block : undefined;
  }

  /** Every resource of every stack, or of one type (ARM ids built for the types the evaluator knows). */
  public resources(type?: string): AzureResource[] {
    if (type === undefined) {
      const types = new Set(this.stacks.flatMap((s) => Object.keys(s.json.resource ?? {})));
      return [...types].flatMap((t) => this.resources(t));
    }
    let list = this.resourcesByType.get(type);
    if (!list) {
      list = this.stacks.flatMap((s) => Object.keys(s.json.resource?.[type] ?? {}).map((name) => this.resource(s.name, type, name)));
      this.resourcesByType.set(type, list);
    }
    return list;
  }

  public resource(stack: string, type: string, name: string): AzureResource {
    const raw = this.attributesOf(stack, type, name);
    if (!raw) throw new Error(`${stack}: no resource ${type}.${name}`);
    const attributes: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(raw)) if (k !== "//") attributes[k] = v;
    const tags: Record<string, string> = {};
    const rawTags = attributes.tags;
    if (isObject(rawTags)) for (const [k, v] of Object.entries(rawTags)) if (typeof v === "string") tags[k] = v;
    // Listing never fails on a resource no assignment needs; a role assignment's scope still does.
    let path: string | undefined;
    let unresolved: string | undefined;
    if (WITH_PATH.has(type)) {
      try {
        path = this.armId(stack, type, name);
      } catch (e) {
        unresolved = (e as Error).message;
      }
    }
    return { stack, type, name, address: `${type}.${name}`, path, ...(unresolved ? { unresolved } : {}), attributes, tags };
  }

  /** The text of `value` in `stack`, every interpolation resolved; `what` names the attribute for messages. */
  public text(stack: string, value: Json | undefined, what: string): string {
    const v = this.value(stack, value, what);
    if (v.kind !== "text") throw new Error(`${stack}: ${what} must be text, got a ${v.kind === "role" ? "role definition" : "principal"}`);
    return v.text;
  }

  public value(stack: string, value: Json | undefined, what: string): Value {
    if (typeof value === "number" || typeof value === "boolean") return { kind: "text", text: String(value) };
    if (typeof value !== "string") throw new Error(`${stack}: ${what} must be a string, got ${value === undefined ? "nothing" : JSON.stringify(value)}`);
    const parts = templateParts(value);
    if (parts.length === 1 && "expression" in parts[0]) return this.expression(stack, parts[0].expression, what);
    let text = "";
    for (const part of parts) {
      if ("literal" in part) text += part.literal;
      else {
        const v = this.expression(stack, part.expression, what);
        if (v.kind !== "text") throw new Error(`${stack}: cannot resolve \`${part.expression}\` in ${what}: a ${v.kind} cannot be part of a string`);
        text += v.text;
      }
    }
    return { kind: "text", text };
  }

  private expression(stack: string, expression: string, what: string): Value {
    const fail = (reason: string): never => {
      throw new Error(`${stack}: cannot resolve \`${expression}\` in ${what}: ${reason}`);
    };
    const ref = parseReference(expression);
    if (!ref) return fail("only plain references are evaluated (no functions, operators, variables, locals or count/for_each indexes)");
    const key = `${stack}|${referenceText(ref)}`;
    if (this.visiting.has(key)) return fail("the reference refers back to itself");
    this.visiting.add(key);
    try {
      return this.reference(stack, ref, fail);
    } finally {
      this.visiting.delete(key);
    }
  }

  private reference(stack: string, ref: Reference, fail: (reason: string) => never): Value {
    const attr = ref.attribute.join(".");
    if (ref.data) {
      if (ref.type === "terraform_remote_state" && ref.attribute[0] === "outputs" && ref.attribute.length === 2) {
        return this.crossStack(ref, fail);
      }
      return fail(`data source data.${ref.type}.${ref.name} is read only at apply time`);
    }
    const attrs = this.attributesOf(stack, ref.type, ref.name);
    if (!attrs) return fail(`stack '${stack}' has no resource ${ref.type}.${ref.name}`);
    const what = `${ref.type}.${ref.name}`;
    if (ref.type === "azurerm_role_definition") {
      if (attr === "role_definition_resource_id") return { kind: "role", role: this.customRole(stack, ref.name) };
      if (attr === "id") return fail(`${what}.id is '{roleDefinitionId}|{scope}', not a role definition id; reference role_definition_resource_id`);
    }
    if (ref.type === "azurerm_user_assigned_identity" && attr === "principal_id") {
      return { kind: "principal", principal: { id: this.armId(stack, ref.type, ref.name), kind: "user-assigned-identity", resource: this.resource(stack, ref.type, ref.name) } };
    }
    if (/^identity\.0\.principal_id$/.test(attr) && WITH_PATH.has(ref.type)) {
      return { kind: "principal", principal: { id: this.armId(stack, ref.type, ref.name), kind: "system-assigned-identity", resource: this.resource(stack, ref.type, ref.name) } };
    }
    if (ref.type === "azurerm_key_vault_key") {
      // internal/services/keyvault/key_vault_key_resource.go: `id` and `versionless_id` are data-plane
      // URLs (https://<vault>.vault.azure.net/keys/<name>[/<version>]); `resource_id` holds the
      // version, known only after apply; `resource_versionless_id` is the ARM id.
      if (attr === "resource_versionless_id") return { kind: "text", text: this.armId(stack, ref.type, ref.name) };
      if (attr === "id" || attr === "versionless_id") return fail(`${what}.${attr} is a Key Vault data-plane URL, not an ARM scope; reference resource_versionless_id`);
      if (attr === "resource_id") return fail(`${what}.resource_id holds the key version, known only after apply; reference resource_versionless_id`);
    }
    if (ref.type === "azurerm_storage_container" && (attr === "id" || attr === "resource_manager_id")) {
      // internal/services/storage/storage_container_resource.go: with storage_account_id the id is
      // the ARM id (resource_manager_id is deprecated and equal); with the deprecated
      // storage_account_name the id is a data-plane URL.
      if (attrs.storage_account_id === undefined) return fail(`${what} has no storage_account_id, so its id is a data-plane URL and its resource group unknown at synth`);
      return { kind: "text", text: this.armId(stack, ref.type, ref.name) };
    }
    if (attr === "id" && WITH_PATH.has(ref.type)) return { kind: "text", text: this.armId(stack, ref.type, ref.name) };
    if (attr === "id") return fail(`the evaluator does not know how ${ref.type} ids are built`);
    const literal = ref.attribute.length === 1 ? attrs[attr] : undefined;
    if (typeof literal === "string" || typeof literal === "number" || typeof literal === "boolean") {
      return this.value(stack, literal, `${what}.${attr}`);
    }
    return fail(`${what}.${attr} is computed by the provider, not known at synth`);
  }

  /** cdktf's cross-stack reference: `data.terraform_remote_state.cross-stack-reference-input-<stack path>.outputs.<output>`. */
  private crossStack(ref: Reference, fail: (reason: string) => never): Value {
    // hashicorp/terraform-cdk packages/cdktf/lib/terraform-stack.ts names the data source
    // `cross-stack-reference-input-${originStack.node.path}`; a top-level stack's path is its name.
    const prefix = "cross-stack-reference-input-";
    if (!ref.name.startsWith(prefix)) return fail(`data.terraform_remote_state.${ref.name} is not a cdktf cross-stack reference`);
    const origin = ref.name.slice(prefix.length);
    const other = this.byName.get(origin);
    if (!other) return fail(`the stack '${origin}' it reads is not among the synthesized stacks`);
    const output = other.json.output?.[ref.attribute[1]];
    if (!isObject(output)) return fail(`stack '${origin}' has no output '${ref.attribute[1]}'`);
    return this.value(origin, output.value, `output ${ref.attribute[1]}`);
  }

  /** The subscription a resource is created in: its azurerm provider's `subscription_id`. */
  private subscription(stack: string, address: string, attrs: JsonObject): string {
    const alias = typeof attrs.provider === "string" ? attrs.provider.split(".")[1] : undefined;
    const providers = this.byName.get(stack)?.json.provider?.azurerm ?? [];
    const provider = providers.find((p) => (alias ? p.alias === alias : p.alias === undefined));
    const sub = provider?.subscription_id;
    if (typeof sub !== "string" || !UUID.test(sub)) {
      throw new Error(
        `${stack}: cannot tell the subscription of ${address}: the azurerm provider${alias ? ` '${alias}'` : ""} has no literal subscription_id (got ${JSON.stringify(sub ?? null)})`,
      );
    }
    return sub;
  }

  /** The canonical ARM id of a resource, built from its own attributes. */
  public armId(stack: string, type: string, name: string): string {
    const key = `${stack}|${type}.${name}`;
    const known = this.paths.get(key);
    if (known) return known;
    const attrs = this.attributesOf(stack, type, name);
    const address = `${type}.${name}`;
    if (!attrs) throw new Error(`${stack}: no resource ${address}`);
    const nameOf = () => this.text(stack, attrs.name, `${address}.name`);
    let path: string;
    if (type === "azurerm_resource_group") {
      path = `/subscriptions/${this.subscription(stack, address, attrs)}/resourceGroups/${nameOf()}`;
    } else if (IN_RESOURCE_GROUP[type]) {
      const rg = this.text(stack, attrs.resource_group_name, `${address}.resource_group_name`);
      path = `/subscriptions/${this.subscription(stack, address, attrs)}/resourceGroups/${rg}/providers/${IN_RESOURCE_GROUP[type]}/${nameOf()}`;
    } else if (type === "azurerm_storage_container") {
      // hashicorp/go-azure-helpers resourcemanager/commonids/storage_container.go: the one blob service is `default`.
      if (attrs.storage_account_id === undefined) throw new Error(`${stack}: ${address} has no storage_account_id, so its ARM id is unknown at synth`);
      path = `${this.text(stack, attrs.storage_account_id, `${address}.storage_account_id`)}/blobServices/default/containers/${nameOf()}`;
    } else if (type === "azurerm_key_vault_key") {
      // hashicorp/go-azure-helpers resourcemanager/commonids/key_vault_key.go: {vault id}/keys/{name}.
      path = `${this.text(stack, attrs.key_vault_id, `${address}.key_vault_id`)}/keys/${nameOf()}`;
    } else if (type === "azapi_resource") {
      path = this.azapiId(stack, address, attrs);
    } else {
      throw new Error(`${stack}: the evaluator does not know how ${type} ids are built (${address})`);
    }
    this.paths.set(key, path);
    return path;
  }

  /**
   * Azure/terraform-provider-azapi templates/guides/azure_resource_concept.md: a top-level type's id
   * is `{parent_id}/providers/{type}/{name}` (resource groups: `{subscription}/resourceGroups/{name}`),
   * a child type's is `{parent_id}/{last type segment}/{name}`: a Key Vault key
   * (`Microsoft.KeyVault/vaults/keys@...`) is `{vault id}/keys/{name}`.
   */
  private azapiId(stack: string, address: string, attrs: JsonObject): string {
    const rawType = this.text(stack, attrs.type, `${address}.type`);
    const type = rawType.split("@")[0];
    const segments = type.split("/");
    if (segments.length < 2) throw new Error(`${stack}: ${address}.type must be '<namespace>/<type>@<api version>', got '${rawType}'`);
    const parent = this.text(stack, attrs.parent_id, `${address}.parent_id`);
    const name = this.text(stack, attrs.name, `${address}.name`);
    if (segments.length === 2 && type.toLowerCase() === "microsoft.resources/resourcegroups") return `${parent}/resourceGroups/${name}`;
    if (segments.length === 2) return `${parent}/providers/${type}/${name}`;
    return `${parent}/${segments[segments.length - 1]}/${name}`;
  }

  /** A custom role defined in `stack` (every role definition of every stack is read once). */
  public customRole(stack: string, name: string): AzureRole {
    const key = `${stack}|${name}`;
    const known = this.customRoles.get(key);
    if (known) return known;
    const attrs = this.attributesOf(stack, "azurerm_role_definition", name);
    const address = `azurerm_role_definition.${name}`;
    if (!attrs) throw new Error(`${stack}: no resource ${address}`);
    const list = (value: Json | undefined, what: string): string[] => {
      if (value === undefined || value === null) return [];
      if (!Array.isArray(value)) throw new Error(`${stack}: ${address}.${what} must be a list, got ${JSON.stringify(value)}`);
      return (value as readonly Json[]).map((v, i) => this.text(stack, v, `${address}.${what}[${i}]`));
    };
    const permissionBlocks = Array.isArray(attrs.permissions) ? (attrs.permissions as readonly Json[]) : attrs.permissions === undefined ? [] : [attrs.permissions];
    const permissions: RolePermission[] = permissionBlocks.filter(isObject).map((p) => ({
      actions: list(p.actions, "permissions.actions"),
      notActions: list(p.not_actions, "permissions.not_actions"),
      dataActions: list(p.data_actions, "permissions.data_actions"),
      notDataActions: list(p.not_data_actions, "permissions.not_data_actions"),
    }));
    // azurerm: assignable_scopes defaults to the role's own scope.
    const assignable = list(attrs.assignable_scopes, "assignable_scopes");
    const guid = typeof attrs.role_definition_id === "string" && UUID.test(attrs.role_definition_id) ? attrs.role_definition_id.toLowerCase() : undefined;
    const role: AzureRole = {
      name: this.text(stack, attrs.name, `${address}.name`),
      builtIn: false,
      ...(guid ? { id: guid } : {}),
      permissions,
      assignableScopes: assignable.length > 0 ? assignable : [this.text(stack, attrs.scope, `${address}.scope`)],
      definedIn: { stack, address },
    };
    this.customRoles.set(key, role);
    return role;
  }
}

function isDataAction(action: AzureAction): action is { readonly dataAction: string } {
  return "dataAction" in action;
}

function operationOf(action: AzureAction): string {
  const op = isDataAction(action) ? action.dataAction : action.action;
  if (typeof op !== "string" || op.length === 0 || op.includes("*")) {
    throw new Error(`an operation to check must be one concrete action name, got ${JSON.stringify(action)}`);
  }
  return op;
}

/** The pattern by which `role` allows `action`, or undefined. */
function rolePattern(role: AzureRole, action: AzureAction): string | undefined {
  const op = operationOf(action);
  for (const p of role.permissions) {
    const [allow, exclude] = isDataAction(action) ? [p.dataActions, p.notDataActions] : [p.actions, p.notActions];
    const pattern = allow.find((a) => azureActionMatches(a, op));
    if (pattern !== undefined && !exclude.some((x) => azureActionMatches(x, op))) return pattern;
  }
  return undefined;
}

/**
 * The Azure RBAC model of a set of synthesized stacks. Built once (every role assignment is
 * resolved, or construction throws naming what could not be), then queried.
 */
export class AzureAccess {
  /** Reads every stack of a `cdktf.out` folder. */
  public static fromCdktfOut(dir: string): AzureAccess {
    return new AzureAccess(readCdktfOut(dir));
  }

  /** Models the given stacks (cross-stack references resolve between them). */
  public static fromStacks(stacks: readonly SynthesizedStack[]): AzureAccess {
    return new AzureAccess(stacks);
  }

  /** Every role assignment of every stack. */
  public readonly assignments: readonly AzureRoleAssignment[];
  private readonly resolver: Resolver;

  private constructor(stacks: readonly SynthesizedStack[]) {
    this.resolver = new Resolver(stacks);
    const assignments: AzureRoleAssignment[] = [];
    for (const stack of stacks) {
      const resources = stack.json.resource ?? {};
      for (const [name, attrs] of Object.entries(resources.azapi_resource ?? {})) {
        const type = typeof attrs.type === "string" ? attrs.type.split("@")[0].toLowerCase() : "";
        if (type === "microsoft.authorization/denyassignments" || type === "microsoft.resources/deploymentstacks") {
          throw new Error(`${stack.name}: azapi_resource.${name} (${attrs.type}) creates deny assignments, which this evaluator does not model`);
        }
        if (type === "microsoft.authorization/roleassignments") {
          throw new Error(`${stack.name}: azapi_resource.${name} makes a role assignment through azapi; this evaluator reads azurerm_role_assignment only`);
        }
      }
      for (const [name, attrs] of Object.entries(resources.azurerm_key_vault ?? {})) {
        if (attrs.rbac_authorization_enabled !== true && attrs.enable_rbac_authorization !== true) {
          throw new Error(`${stack.name}: azurerm_key_vault.${name} does not use Azure RBAC (rbac_authorization_enabled is not true); access policies are not modelled`);
        }
      }
      if (Object.keys(resources.azurerm_key_vault_access_policy ?? {}).length > 0) {
        throw new Error(`${stack.name}: azurerm_key_vault_access_policy grants key access outside Azure RBAC; access policies are not modelled`);
      }
      for (const name of Object.keys(resources.azurerm_role_assignment ?? {})) assignments.push(this.assignment(stack.name, name));
    }
    this.assignments = assignments;
  }

  private assignment(stack: string, name: string): AzureRoleAssignment {
    const r = this.resolver;
    const address = `azurerm_role_assignment.${name}`;
    const attrs = r.attributesOf(stack, "azurerm_role_assignment", name) ?? {};
    if (attrs.count !== undefined || attrs.for_each !== undefined) throw new Error(`${stack}: ${address} uses count or for_each, which this evaluator does not expand`);

    const scope = r.text(stack, attrs.scope, `${address}.scope`);
    if (!scope.startsWith("/")) throw new Error(`${stack}: ${address}.scope must be an ARM id, got '${scope}'`);

    const p = r.value(stack, attrs.principal_id, `${address}.principal_id`);
    let principal: AzurePrincipal;
    if (p.kind === "principal") principal = p.principal;
    else if (p.kind === "text" && UUID.test(p.text)) principal = { id: p.text.toLowerCase(), kind: "object-id" };
    else throw new Error(`${stack}: ${address}.principal_id must be an Entra ID object id (UUID) or a managed identity's principal_id, got '${p.kind === "text" ? p.text : p.kind}'`);

    let role: AzureRole;
    if (attrs.role_definition_id !== undefined) {
      const v = r.value(stack, attrs.role_definition_id, `${address}.role_definition_id`);
      if (v.kind === "role") role = v.role;
      else if (v.kind === "text") role = this.roleById(stack, address, v.text);
      else throw new Error(`${stack}: ${address}.role_definition_id must name a role definition, got a principal`);
    } else if (attrs.role_definition_name !== undefined) {
      role = this.roleByName(stack, address, r.text(stack, attrs.role_definition_name, `${address}.role_definition_name`));
    } else {
      throw new Error(`${stack}: ${address} has neither role_definition_id nor role_definition_name`);
    }
    if (!role.assignableScopes.some((s) => scopeContains(s, scope))) {
      throw new Error(`${stack}: ${address} assigns '${role.name}' at '${scope}', outside its assignable scopes (${role.assignableScopes.join(", ")}); Azure would refuse it`);
    }
    let condition: AzureCondition | undefined;
    if (attrs.condition !== undefined && attrs.condition !== null) {
      const text = r.text(stack, attrs.condition, `${address}.condition`);
      const version = attrs.condition_version === undefined || attrs.condition_version === null ? undefined : r.text(stack, attrs.condition_version, `${address}.condition_version`);
      condition = { text, ...(version !== undefined ? { version } : {}), meaning: conditionMeaning(text, version) };
    }
    return { stack, address, scope, principal, role, ...(typeof attrs.description === "string" ? { description: attrs.description } : {}), ...(condition ? { condition } : {}) };
  }

  private allCustomRoles(): AzureRole[] {
    return this.resolver.stacks.flatMap((s) => Object.keys(s.json.resource?.azurerm_role_definition ?? {}).map((n) => this.resolver.customRole(s.name, n)));
  }

  private roleByName(stack: string, address: string, name: string): AzureRole {
    // Role names are unique in a tenant, so a custom role of any stack may be meant.
    const custom = this.allCustomRoles().find((c) => c.name === name);
    if (custom) return custom;
    const builtIn = AZURE_BUILT_IN_ROLES.find((b) => b.name.toLowerCase() === name.toLowerCase());
    if (builtIn) return { name: builtIn.name, builtIn: true, id: builtIn.id, permissions: builtIn.permissions, assignableScopes: ["/"] };
    throw new Error(
      `${stack}: ${address}.role_definition_name '${name}' is neither a built-in role this evaluator knows (${AZURE_BUILT_IN_ROLES.map((b) => b.name).join(", ")}) nor a custom role of the stacks`,
    );
  }

  private roleById(stack: string, address: string, id: string): AzureRole {
    const guid = ROLE_GUID.exec(id)?.[1]?.toLowerCase();
    const builtIn = AZURE_BUILT_IN_ROLES.find((b) => b.id === guid);
    if (builtIn) return { name: builtIn.name, builtIn: true, id: builtIn.id, permissions: builtIn.permissions, assignableScopes: ["/"] };
    const custom = guid ? this.allCustomRoles().find((c) => c.id === guid) : undefined;
    if (custom) return custom;
    throw new Error(`${stack}: ${address}.role_definition_id '${id}' is neither a built-in role this evaluator knows nor a custom role of the stacks`);
  }

  /** Every principal that holds an assignment, once each. */
  public principals(): readonly AzurePrincipal[] {
    const seen = new Map<string, AzurePrincipal>();
    for (const a of this.assignments) if (!seen.has(a.principal.id.toLowerCase())) seen.set(a.principal.id.toLowerCase(), a.principal);
    return [...seen.values()];
  }

  /** Every resource of every stack (with its ARM id where the evaluator can build it). */
  public resources(type?: string): readonly AzureResource[] {
    return this.resolver.resources(type);
  }

  /** The resource with ARM id `path` (of type `type`, when given), if it is in the stacks. */
  public resourceByPath(path: string, type?: string): AzureResource | undefined {
    const wanted = path.toLowerCase().replace(/\/+$/, "");
    return this.resolver.resources(type).find((r) => r.path !== undefined && r.path.toLowerCase() === wanted);
  }

  /**
   * The resource a reference in `stack` points at, e.g. the key that
   * `${azurerm_key_vault_key.K.versionless_id}` names (cross-stack references are followed).
   */
  public resourceAt(stack: string, expression: string): AzureResource {
    const parts = templateParts(expression);
    const ref = parts.length === 1 && "expression" in parts[0] ? parseReference(parts[0].expression) : undefined;
    if (!ref) throw new Error(`${stack}: '${expression}' is not a single reference to a resource`);
    if (ref.data && ref.type === "terraform_remote_state" && ref.attribute[0] === "outputs" && ref.attribute.length === 2) {
      const origin = ref.name.replace(/^cross-stack-reference-input-/, "");
      const output = this.resolver.stacks.find((s) => s.name === origin)?.json.output?.[ref.attribute[1]];
      if (!isObject(output) || typeof output.value !== "string") throw new Error(`${stack}: '${expression}' reads no output of a synthesized stack`);
      return this.resourceAt(origin, output.value);
    }
    if (ref.data) throw new Error(`${stack}: '${expression}' refers to a data source, not a resource`);
    return this.resolver.resource(stack, ref.type, ref.name);
  }

  /**
   * Whether `principalId` (an object id, or a managed identity's ARM id) may perform `action` at
   * `resourcePath` (any ARM path: a resource, or something inside one, such as a blob path below a
   * container), and every grant that allows it.
   */
  public can(principalId: string, action: AzureAction, resourcePath: string): AzureDecision {
    const who = principalId.toLowerCase();
    const held = this.assignments.filter((a) => a.principal.id.toLowerCase() === who && scopeContains(a.scope, resourcePath));
    const grants: AzureGrant[] = [];
    const op = operationOf(action);
    const subOperation = isDataAction(action) ? action.subOperation : undefined;
    /** The grant `assignment` makes for the request `requested` (the operation itself, or listKeys for shared keys), if its condition allows it. */
    const grant = (assignment: AzureRoleAssignment, via: AzureGrant["via"], pattern: string, requested: string, sub: string | undefined): void => {
      if (!assignment.condition) {
        grants.push({ assignment, via, pattern });
        return;
      }
      const allows = conditionAllows(assignment.condition, requested, sub);
      if (allows === "not-evaluated") grants.push({ assignment, via, pattern, condition: "not-evaluated" });
      else if (allows) grants.push({ assignment, via, pattern, condition: "met" });
    };
    for (const assignment of held) {
      const pattern = rolePattern(assignment.role, action);
      if (pattern !== undefined) grant(assignment, "role", pattern, op, subOperation);
    }
    const account = STORAGE_ACCOUNT.exec(resourcePath)?.[1];
    if (isDataAction(action) && /^Microsoft\.Storage\//i.test(op) && account && this.sharedKeysAllowed(account)) {
      for (const assignment of held.filter((a) => scopeContains(a.scope, account))) {
        const pattern = rolePattern(assignment.role, { action: LIST_KEYS });
        // The assignment's condition is asked about what it authorizes: listKeys (with the keys, every data operation is allowed).
        if (pattern !== undefined) grant(assignment, "shared-key", pattern, LIST_KEYS, undefined);
      }
    }
    return { allowed: grants.length > 0, grants, unevaluated: grants.length > 0 && grants.every((g) => g.condition === "not-evaluated") };
  }

  private sharedKeysAllowed(accountPath: string): boolean {
    const account = this.resourceByPath(accountPath, "azurerm_storage_account");
    if (!account) return true;
    return account.attributes.shared_access_key_enabled !== false;
  }

  /** Every principal that may perform `action` at `resourcePath`, with its grants. */
  public whoCan(action: AzureAction, resourcePath: string): readonly { readonly principal: AzurePrincipal; readonly grants: readonly AzureGrant[] }[] {
    // Only principals with an assignment at or above the path can be allowed there.
    const candidates = new Map<string, AzurePrincipal>();
    for (const a of this.assignments) if (scopeContains(a.scope, resourcePath)) candidates.set(a.principal.id.toLowerCase(), a.principal);
    return [...candidates.values()]
      .map((principal) => ({ principal, decision: this.can(principal.id, action, resourcePath) }))
      .filter((x) => x.decision.allowed)
      .map((x) => ({ principal: x.principal, grants: x.decision.grants }));
  }

  /** What `principalId` holds where: each of its assignments with the role and the resource at the scope. */
  public accessOf(principalId: string): readonly AzureAccessEntry[] {
    const who = principalId.toLowerCase();
    return this.assignments
      .filter((a) => a.principal.id.toLowerCase() === who)
      .map((assignment) => {
        const resource = this.resourceByPath(assignment.scope);
        return { scope: assignment.scope, role: assignment.role, assignment, ...(resource ? { resource } : {}) };
      });
  }

  /**
   * Who may do which of `actions` at which of `resources` (default: every resource with an ARM id):
   * the allowed cells only, for "who can do what where".
   */
  public accessMatrix(actions: readonly AzureAction[], resources: readonly AzureResource[] = this.resources().filter((r) => r.path !== undefined)): readonly AzureAccessCell[] {
    const cells: AzureAccessCell[] = [];
    for (const resource of resources) {
      if (resource.path === undefined) continue;
      for (const action of actions) {
        for (const { principal, grants } of this.whoCan(action, resource.path)) cells.push({ principal, resource, action, grants });
      }
    }
    return cells;
  }
}
