import { type IResolvable, type TerraformMetaArguments, TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import { checkExported, checkTypeAndExports } from "./private/checks";
import { AZAPI_VERSION_CONSTRAINT } from "./provider";
import type { AzapiObject } from "./resource";

/** The HTTP methods `azapi_resource_action` accepts (its `method` validator). */
export type AzapiActionMethod = "POST" | "PATCH" | "PUT" | "DELETE" | "GET" | "HEAD";

/** The arguments of one `azapi_resource_action`, plus Terraform's meta-arguments (`dependsOn`, `provider`, `lifecycle`, ...). */
export interface AzapiResourceActionConfig extends TerraformMetaArguments {
  /**
   * The ARM resource type and API version of `resourceId`, `<namespace>/<type>[/<child type>...]@<api-version>`.
   */
  readonly type: string;
  /** The ARM id of the resource the request goes to (it need not exist yet for a PUT). */
  readonly resourceId: string;
  /**
   * The action path under the resource, e.g. `listKeys`.
   * @default - none: the request goes to the resource itself
   */
  readonly action?: string;
  /**
   * The HTTP method.
   * @default "POST" - azapi's default
   */
  readonly method?: AzapiActionMethod;
  /**
   * The request body, as an object.
   * @default - no body
   */
  readonly body?: AzapiObject;
  /**
   * When the request is sent: on create and on every change of the configuration (`apply`), or
   * once when the resource is destroyed (`destroy`).
   * @default "apply" - azapi's default
   */
  readonly when?: "apply" | "destroy";
  /**
   * Paths of the response to export into `output`, e.g. `properties.policyId`; read them with
   * {@link AzapiResourceAction.outputString}.
   * @default - nothing is exported
   */
  readonly responseExportValues?: readonly string[];
  /**
   * ARM ids to lock while the request runs (azapi serializes requests that share a lock).
   * @default - no locks
   */
  readonly locks?: readonly string[];
}

/** A path into the exported response that may also index lists: `properties.rules[0].ruleId`. */
const OUTPUT_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\[\d+\])*(\.[A-Za-z_][A-Za-z0-9_]*(\[\d+\])*)*$/;

/**
 * One `azapi_resource_action` (Azure/terraform-provider-azapi
 * internal/services/azapi_resource_action_resource.go): a single Azure Resource Manager request
 * (`method` to `resourceId[/action]?api-version=...`), sent when the resource is created and again
 * when its configuration changes (or once on destroy, with `when: "destroy"`), whose response is
 * kept in `output`. Unlike {@link AzapiResource} it never reads the resource back (its Read keeps
 * the state as it is), which is what an ARM request whose answer names a different resource needs:
 * a PUT to `.../objectReplicationPolicies/default` creates a policy that ARM names with a new id.
 * A thin typed binding written with cdktf's public `TerraformResource`; the stack needs an
 * AzapiProvider.
 *
 * Covers `type`, `resource_id`, `action`, `method`, `body`, `when`, `response_export_values`,
 * `locks` and the meta-arguments. `type` and `resource_id` changes replace the resource (their
 * plan modifiers are RequiresReplace).
 */
export class AzapiResourceAction extends TerraformResource {
  /** The Terraform resource type this class synthesizes. */
  public static readonly tfResourceType = "azapi_resource_action";
  private readonly config: AzapiResourceActionConfig;

  constructor(scope: Construct, id: string, config: AzapiResourceActionConfig) {
    super(scope, id, {
      terraformResourceType: AzapiResourceAction.tfResourceType,
      terraformGeneratorMetadata: { providerName: "azapi", providerVersionConstraint: AZAPI_VERSION_CONSTRAINT },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach,
    });
    checkTypeAndExports(
      config.type,
      config.responseExportValues ?? [],
      "Microsoft.Storage/storageAccounts/objectReplicationPolicies@2025-06-01",
      "properties.policyId",
      this.node.path,
    );
    this.config = config;
  }

  /** The resource type and API version as configured. */
  public get type(): string {
    return this.config.type;
  }

  /** The exported response (`output`), as a reference. */
  public get output(): IResolvable {
    return this.interpolationForAttribute("output");
  }

  /**
   * A string the response holds at `path` (e.g. `properties.policyId`, or
   * `properties.rules[0].ruleId`), as a reference to `output.<path>`. The path up to its first
   * index, or a prefix of it, or `*`, must be in `responseExportValues`.
   */
  public outputString(path: string): string {
    if (!OUTPUT_PATH.test(path)) {
      throw new Error(`path must be a property path such as 'properties.policyId' or 'properties.rules[0].ruleId', got '${path}' for ${this.node.path}`);
    }
    checkExported(path, this.config.responseExportValues ?? [], this.node.path);
    return this.getStringAttribute(`output.${path}`);
  }

  /** The resource's arguments for JSON synthesis, under azapi's attribute names; unset optional ones are omitted. */
  protected synthesizeAttributes(): { [name: string]: unknown } {
    const c = this.config;
    return {
      type: c.type,
      resource_id: c.resourceId,
      action: c.action,
      method: c.method,
      body: c.body,
      when: c.when,
      response_export_values: c.responseExportValues,
      locks: c.locks,
    };
  }

  /** The same arguments for HCL synthesis (`cdktf synth --hcl`); `body` and `response_export_values` are dynamic, rendered as HCL objects and tuples. */
  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    const c = this.config;
    const simple = (value: string | undefined) => (value === undefined ? undefined : { value, isBlock: false, type: "simple", storageClassType: "string" });
    const attrs: Record<string, unknown> = {
      type: simple(c.type),
      resource_id: simple(c.resourceId),
      action: simple(c.action),
      method: simple(c.method),
      // Dynamic attributes: rendered as HCL object and tuple expressions.
      body: c.body === undefined ? undefined : { value: c.body, isBlock: false, type: "any", storageClassType: "any" },
      when: simple(c.when),
      response_export_values:
        c.responseExportValues === undefined ? undefined : { value: c.responseExportValues, isBlock: false, type: "any", storageClassType: "any" },
      locks: c.locks === undefined ? undefined : { value: c.locks, isBlock: false, type: "list", storageClassType: "stringList" },
    };
    return Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== undefined));
  }
}
