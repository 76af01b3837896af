import { type IResolvable, type TerraformMetaArguments, TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import { checkExported, checkTypeAndExports, PROPERTY_PATH } from "./private/checks";
import { AZAPI_VERSION_CONSTRAINT } from "./provider";

/** A JSON value in an ARM request body: strings may be tokens (references to other resources). */
export type AzapiValue = string | number | boolean | readonly AzapiValue[] | AzapiObject;

/** A JSON object in an ARM request body. */
export interface AzapiObject {
  readonly [key: string]: AzapiValue;
}

/** The arguments of one `azapi_resource`, plus Terraform's meta-arguments (`dependsOn`, `provider`, `lifecycle`, ...). */
export interface AzapiResourceConfig extends TerraformMetaArguments {
  /**
   * The ARM resource type and API version, `<namespace>/<type>[/<child type>...]@<api-version>`,
   * e.g. `Microsoft.KeyVault/vaults/keys@2024-11-01`.
   */
  readonly type: string;
  /** The resource's name (the last segment of its ARM id). */
  readonly name: string;
  /** The ARM id of the parent: a resource group, or the parent resource of a child type. */
  readonly parentId: string;
  /**
   * The request body: what ARM expects for `type` (usually `{ properties: { ... } }`), as an object.
   * @default - an empty body
   */
  readonly body?: AzapiObject;
  /**
   * The location, for tracked resource types only.
   * @default - none: the type is not tracked by location (child resources such as vault keys)
   */
  readonly location?: string;
  /**
   * Tags, for types that take them.
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Paths of the ARM response to export into `output`, e.g. `properties.keyUri`, or `*` for the
   * whole response; read them with {@link AzapiResource.outputString}.
   * @default - nothing is exported
   */
  readonly responseExportValues?: readonly string[];
  /**
   * Whether azapi validates `body` against its embedded ARM schema of `type` at plan.
   * @default true - azapi's default
   */
  readonly schemaValidationEnabled?: boolean;
  /**
   * Whether azapi ignores case differences between the body and the response when diffing.
   * @default false - azapi's default
   */
  readonly ignoreCasing?: boolean;
  /**
   * ARM ids to lock while this resource is changed (azapi serializes changes that share a lock).
   * @default - no locks
   */
  readonly locks?: readonly string[];
}


/**
 * One `azapi_resource` (Azure/terraform-provider-azapi internal/services/azapi_resource.go): any
 * Azure Resource Manager resource, created with a PUT to management.azure.com and read back with a
 * GET, so it needs no network path to the resource's own data plane. A thin typed binding written
 * with cdktf's public `TerraformResource`; the stack needs an {@link AzapiProvider}.
 *
 * The binding covers the attributes this library uses (`type`, `name`, `parent_id`, `body`,
 * `location`, `tags`, `response_export_values`, `schema_validation_enabled`, `ignore_casing`,
 * `locks`) and the meta-arguments (`depends_on`, `lifecycle`, `provider`, ...). Read
 * `id` (the ARM id, `<parentId>/<child type>/<name>`) and exported response values
 * ({@link outputString}) as references.
 */
export class AzapiResource extends TerraformResource {
  /** The Terraform resource type this class synthesizes. */
  public static readonly tfResourceType = "azapi_resource";
  private readonly config: AzapiResourceConfig;

  constructor(scope: Construct, id: string, config: AzapiResourceConfig) {
    super(scope, id, {
      terraformResourceType: AzapiResource.tfResourceType,
      terraformGeneratorMetadata: { providerName: "azapi", providerVersionConstraint: AZAPI_VERSION_CONSTRAINT },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach,
    });
    checkTypeAndExports(config.type, config.responseExportValues ?? [], "Microsoft.KeyVault/vaults/keys@2024-11-01", "properties.keyUri", this.node.path);
    this.config = config;
  }

  /** The resource's ARM id. */
  public get id(): string {
    return this.getStringAttribute("id");
  }

  /** The resource's name. */
  public get name(): string {
    return this.getStringAttribute("name");
  }

  /** The ARM id of the parent. */
  public get parentId(): string {
    return this.getStringAttribute("parent_id");
  }

  /** The resource type and API version as configured. */
  public get type(): string {
    return this.config.type;
  }

  /** The whole exported response (`output`), as a reference. */
  public get output(): IResolvable {
    return this.interpolationForAttribute("output");
  }

  /**
   * A string the ARM response holds at `path` (e.g. `properties.keyUri`), as a reference to
   * `output.<path>`. The path, or one of its prefixes, or `*`, must be in `responseExportValues`.
   */
  public outputString(path: string): string {
    if (!PROPERTY_PATH.test(path)) {
      throw new Error(`path must be a dot-separated property path such as 'properties.keyUri', got '${path}' for ${this.node.path}`);
    }
    checkExported(path, this.config.responseExportValues ?? [], this.node.path);
    return this.getStringAttribute(`output.${path}`);
  }

  /** The resource's arguments for JSON synthesis, under azapi's attribute names; unset optional ones are omitted. */
  protected synthesizeAttributes(): { [name: string]: unknown } {
    const c = this.config;
    return {
      type: c.type,
      name: c.name,
      parent_id: c.parentId,
      location: c.location,
      body: c.body,
      tags: c.tags,
      response_export_values: c.responseExportValues,
      schema_validation_enabled: c.schemaValidationEnabled,
      ignore_casing: c.ignoreCasing,
      locks: c.locks,
    };
  }

  /** The same arguments for HCL synthesis (`cdktf synth --hcl`); `body` and `response_export_values` are dynamic, rendered as HCL objects and tuples. */
  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    const c = this.config;
    const attrs: Record<string, unknown> = {
      type: { value: c.type, isBlock: false, type: "simple", storageClassType: "string" },
      name: { value: c.name, isBlock: false, type: "simple", storageClassType: "string" },
      parent_id: { value: c.parentId, isBlock: false, type: "simple", storageClassType: "string" },
      location: c.location === undefined ? undefined : { value: c.location, isBlock: false, type: "simple", storageClassType: "string" },
      // Dynamic attributes: rendered as HCL object and tuple expressions.
      body: c.body === undefined ? undefined : { value: c.body, isBlock: false, type: "any", storageClassType: "any" },
      tags: c.tags === undefined ? undefined : { value: c.tags, isBlock: false, type: "map", storageClassType: "stringMap" },
      response_export_values:
        c.responseExportValues === undefined ? undefined : { value: c.responseExportValues, isBlock: false, type: "any", storageClassType: "any" },
      schema_validation_enabled:
        c.schemaValidationEnabled === undefined ? undefined : { value: c.schemaValidationEnabled, isBlock: false, type: "simple", storageClassType: "boolean" },
      ignore_casing: c.ignoreCasing === undefined ? undefined : { value: c.ignoreCasing, isBlock: false, type: "simple", storageClassType: "boolean" },
      locks: c.locks === undefined ? undefined : { value: c.locks, isBlock: false, type: "list", storageClassType: "stringList" },
    };
    return Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== undefined));
  }
}
