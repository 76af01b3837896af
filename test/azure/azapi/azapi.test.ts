import { TerraformStack, Testing } from "cdktf";
import { AzapiProvider } from "../../../lib/azure/azapi/provider";
import { AzapiResource } from "../../../lib/azure/azapi/resource";
import { synthScope } from "../fixtures";

const VAULT_ID = "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-test/providers/Microsoft.KeyVault/vaults/test-kv";

describe("azapi bindings", () => {
  const synth = synthScope((scope) => {
    new AzapiProvider(scope, "azapi", { subscriptionId: "22222222-2222-4222-8222-222222222222", tenantId: "11111111-1111-4111-8111-111111111111" });
    const key = new AzapiResource(scope, "Key", {
      type: "Microsoft.KeyVault/vaults/keys@2024-11-01",
      name: "k",
      parentId: VAULT_ID,
      body: { properties: { kty: "RSA-HSM", keySize: 3072, keyOps: ["wrapKey", "unwrapKey"], attributes: { enabled: true } } },
      tags: { "embassy:site": "nl" },
      responseExportValues: ["properties.keyUri"],
      schemaValidationEnabled: true,
      lifecycle: { preventDestroy: true },
    });
    new AzapiResource(scope, "Child", {
      type: "Microsoft.KeyVault/vaults/keys@2024-11-01",
      name: "uses-key",
      parentId: VAULT_ID,
      body: { properties: { note: key.outputString("properties.keyUri"), parent: key.id } },
      dependsOn: [key],
    });
  });

  test("the provider adds a required_providers entry for Azure/azapi 2.x and a provider block", () => {
    expect((synth as unknown as { terraform: { required_providers: Record<string, unknown> } }).terraform.required_providers.azapi).toEqual({
      source: "Azure/azapi",
      version: "~> 2.5",
    });
    expect(synth.provider?.azapi).toEqual([{ subscription_id: "22222222-2222-4222-8222-222222222222", tenant_id: "11111111-1111-4111-8111-111111111111" }]);
  });

  test("an azapi_resource synthesizes type, name, parent_id, body as an object (keys untouched), exports and lifecycle", () => {
    expect(synth.resource.azapi_resource).toBeDefined();
    const [id, key] = Object.entries(synth.resource.azapi_resource).find(([, r]) => r.name === "k") ?? [];
    expect(id).toBe("Key");
    expect(key).toEqual({
      type: "Microsoft.KeyVault/vaults/keys@2024-11-01",
      name: "k",
      parent_id: VAULT_ID,
      body: { properties: { kty: "RSA-HSM", keySize: 3072, keyOps: ["wrapKey", "unwrapKey"], attributes: { enabled: true } } },
      tags: { "embassy:site": "nl" },
      response_export_values: ["properties.keyUri"],
      schema_validation_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("references: id, exported response values under output, and depends_on", () => {
    const keyId = "Key";
    const child = Object.values(synth.resource.azapi_resource).find((r) => r.name === "uses-key");
    expect(child).toMatchObject({
      body: { properties: { note: `\${azapi_resource.${keyId}.output.properties.keyUri}`, parent: `\${azapi_resource.${keyId}.id}` } },
      depends_on: [`azapi_resource.${keyId}`],
    });
  });

  test("the stack's provider check requires an AzapiProvider for azapi resources", () => {
    const stack = new TerraformStack(Testing.app(), "no-provider");
    new AzapiResource(stack, "Key", { type: "Microsoft.KeyVault/vaults/keys@2024-11-01", name: "k", parentId: VAULT_ID });
    expect(() => Testing.synth(stack, true)).toThrow(/add provider constructs .* for the following providers: azapi/);
  });

  test("fails when type has no API version", () => {
    expect(() => synthScope((s) => new AzapiResource(s, "Bad", { type: "Microsoft.KeyVault/vaults/keys", name: "k", parentId: VAULT_ID }))).toThrow(
      /^type must be '<namespace>\/<resource type>@<api version>', e\.g\. 'Microsoft\.KeyVault\/vaults\/keys@2024-11-01', got 'Microsoft\.KeyVault\/vaults\/keys' for stack\/Bad$/,
    );
  });

  test("fails when an output path is read that is not exported", () => {
    expect(() =>
      synthScope((s) => {
        const r = new AzapiResource(s, "Key", { type: "Microsoft.KeyVault/vaults/keys@2024-11-01", name: "k", parentId: VAULT_ID, responseExportValues: ["properties.keyUri"] });
        r.outputString("properties.keyUriWithVersion");
      }),
    ).toThrow(/^path 'properties\.keyUriWithVersion' is not exported: add it to responseExportValues of stack\/Key \(exported: properties\.keyUri\)$/);
  });

  test("fails when an exported path is not a property path", () => {
    expect(() =>
      synthScope((s) => new AzapiResource(s, "Key", { type: "Microsoft.KeyVault/vaults/keys@2024-11-01", name: "k", parentId: VAULT_ID, responseExportValues: ["properties..keyUri"] })),
    ).toThrow(/^responseExportValues must be dot-separated property paths such as 'properties\.keyUri' \(or '\*'\), got 'properties\.\.keyUri' for stack\/Key$/);
  });
});
