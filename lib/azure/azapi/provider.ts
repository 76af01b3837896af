import { TerraformProvider } from "cdktf";
import type { Construct } from "constructs";

/** The azapi provider's registry address. */
export const AZAPI_PROVIDER_SOURCE = "Azure/azapi";

/**
 * The azapi versions these bindings are written for: 2.x from 2.5 on. 2.x is the line whose
 * `azapi_resource` takes `body` and `response_export_values` as HCL values (dynamic attributes)
 * and exposes `output` as an object (Azure/terraform-provider-azapi
 * internal/services/azapi_resource.go, `AzapiResourceModel`); 2.5 and later embed the Azure
 * resource schemas of the API versions this library uses (e.g. Microsoft.KeyVault 2024-11-01),
 * so `schema_validation_enabled` can stay on.
 */
export const AZAPI_VERSION_CONSTRAINT = "~> 2.5";

/** How the `provider "azapi"` block is configured; everything else comes from the provider's usual environment. */
export interface AzapiProviderConfig {
  /**
   * Alias, for a second azapi provider in the same stack.
   * @default - the default azapi provider of the stack
   */
  readonly alias?: string;
  /**
   * The subscription every `azapi_resource` of this provider is created in.
   * @default - the subscription of the signed-in context (`ARM_SUBSCRIPTION_ID`)
   */
  readonly subscriptionId?: string;
  /**
   * The Entra ID tenant to authenticate in.
   * @default - the tenant of the signed-in context (`ARM_TENANT_ID`)
   */
  readonly tenantId?: string;
}

/**
 * The `azapi` provider (registry source `Azure/azapi`, pinned to {@link AZAPI_VERSION_CONSTRAINT}):
 * a thin binding written with cdktf's public `TerraformProvider`, because no prebuilt cdktf
 * package exists for azapi. It adds the `required_providers` entry and the `provider "azapi"`
 * block; authentication is the provider's usual (environment, Azure CLI, managed identity, OIDC).
 */
export class AzapiProvider extends TerraformProvider {
  /** The provider's local name in `required_providers` and in `provider "azapi"` blocks. */
  public static readonly tfResourceType = "azapi";
  private readonly subscriptionId?: string;
  private readonly tenantId?: string;
  private providerAlias?: string;

  constructor(scope: Construct, id: string, config: AzapiProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: AzapiProvider.tfResourceType,
      terraformGeneratorMetadata: { providerName: "azapi", providerVersionConstraint: AZAPI_VERSION_CONSTRAINT },
      terraformProviderSource: AZAPI_PROVIDER_SOURCE,
    });
    this.providerAlias = config.alias;
    this.subscriptionId = config.subscriptionId;
    this.tenantId = config.tenantId;
  }

  /** The provider's alias (`provider "azapi" { alias = ... }`), or undefined for the stack's default azapi provider. */
  public get alias(): string | undefined {
    return this.providerAlias;
  }

  /** Sets the provider's alias; resources select an aliased provider through their `provider` meta-argument. */
  public set alias(value: string | undefined) {
    this.providerAlias = value;
  }

  /** The provider block's attributes for JSON synthesis: `subscription_id` and `tenant_id`, omitted when not given. */
  protected synthesizeAttributes(): { [name: string]: unknown } {
    return { subscription_id: this.subscriptionId, tenant_id: this.tenantId };
  }

  /** The same attributes for HCL synthesis (`cdktf synth --hcl`), as cdktf's typed HCL values. */
  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    const simple = (value: string | undefined) => (value === undefined ? undefined : { value, isBlock: false, type: "simple", storageClassType: "string" });
    return Object.fromEntries(
      Object.entries({ subscription_id: simple(this.subscriptionId), tenant_id: simple(this.tenantId) }).filter(([, v]) => v !== undefined),
    );
  }
}
