import { AzapiResource } from "../../../lib/azure/azapi/resource";
import { AzapiResourceAction } from "../../../lib/azure/azapi/resource-action";
import { synthScope } from "../fixtures";

const ACCOUNT = "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/sttarget";
const TYPE = "Microsoft.Storage/storageAccounts/objectReplicationPolicies@2025-06-01";

describe("azapi_resource_action binding", () => {
  const synth = synthScope((scope) => {
    const put = new AzapiResourceAction(scope, "Put", {
      type: TYPE,
      resourceId: `${ACCOUNT}/objectReplicationPolicies/default`,
      method: "PUT",
      body: { properties: { rules: [{ sourceContainer: "a", destinationContainer: "b" }] } },
      responseExportValues: ["properties.policyId", "properties.rules"],
    });
    new AzapiResource(scope, "Uses", {
      type: TYPE,
      name: put.outputString("properties.policyId"),
      parentId: ACCOUNT,
      body: { properties: { rules: [{ ruleId: put.outputString("properties.rules[0].ruleId") }] } },
    });
    new AzapiResourceAction(scope, "OnDestroy", { type: TYPE, resourceId: `${ACCOUNT}/objectReplicationPolicies/x`, method: "DELETE", when: "destroy" });
  });

  test("synthesizes type, resource_id, method, body as an object, when, and exports", () => {
    expect(synth.resource.azapi_resource_action).toEqual({
      Put: {
        type: TYPE,
        resource_id: `${ACCOUNT}/objectReplicationPolicies/default`,
        method: "PUT",
        body: { properties: { rules: [{ sourceContainer: "a", destinationContainer: "b" }] } },
        response_export_values: ["properties.policyId", "properties.rules"],
      },
      OnDestroy: { type: TYPE, resource_id: `${ACCOUNT}/objectReplicationPolicies/x`, method: "DELETE", when: "destroy" },
    });
  });

  test("exported values are read under output, list items by index", () => {
    expect(synth.resource.azapi_resource.Uses).toMatchObject({
      name: "${azapi_resource_action.Put.output.properties.policyId}",
      body: { properties: { rules: [{ ruleId: "${azapi_resource_action.Put.output.properties.rules[0].ruleId}" }] } },
    });
  });

  test("fails when the type has no api version, an export is not a path, or a read path is not exported", () => {
    expect(() => synthScope((scope) => new AzapiResourceAction(scope, "A", { type: "Microsoft.Storage/storageAccounts", resourceId: ACCOUNT }))).toThrow(
      /^type must be '<namespace>\/<resource type>@<api version>', e\.g\. 'Microsoft\.Storage\/storageAccounts\/objectReplicationPolicies@2025-06-01', got 'Microsoft\.Storage\/storageAccounts' for /,
    );
    expect(() => synthScope((scope) => new AzapiResourceAction(scope, "A", { type: TYPE, resourceId: ACCOUNT, responseExportValues: ["properties.rules[0]"] }))).toThrow(
      /^responseExportValues must be dot-separated property paths such as 'properties\.policyId' \(or '\*'\), got 'properties\.rules\[0\]' for /,
    );
    expect(() =>
      synthScope((scope) => new AzapiResourceAction(scope, "A", { type: TYPE, resourceId: ACCOUNT, responseExportValues: ["properties.policyId"] }).outputString("properties.rules[0].ruleId")),
    ).toThrow(/^path 'properties\.rules\[0\]\.ruleId' is not exported: add it to responseExportValues of .*A \(exported: properties\.policyId\)$/);
    expect(() => synthScope((scope) => new AzapiResourceAction(scope, "A", { type: TYPE, resourceId: ACCOUNT, responseExportValues: ["*"] }).outputString("rules[x]"))).toThrow(
      /^path must be a property path such as 'properties\.policyId' or 'properties\.rules\[0\]\.ruleId', got 'rules\[x\]' for /,
    );
  });
});
