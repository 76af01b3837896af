import { limitProblems, limitsByType } from "../private/provider-limits";
import { outcomeOf, type ResourceRule } from "../rule";

const LIMITS = limitsByType("azure");

/**
 * EMB-P02. Every argument our Azure resources set, where terraform-provider-azurerm,
 * terraform-provider-azapi or Azure's naming rules limit it (names, descriptions, priorities,
 * enums), holds a value they accept: a storage account name with a hyphen, a Key Vault key name
 * with an underscore or an azapi `type` without an api-version fails synth with the argument and
 * the value. Each limit and its source is a row of `PROVIDER_LIMITS`; references are skipped as
 * in EMB-P01.
 */
export const ArgumentsPassAzureProviderValidation: ResourceRule = {
  kind: "resource",
  name: "ArgumentsPassAzureProviderValidation",
  description: "Every Azure argument with a provider or naming limit (names, descriptions, priorities, enums) holds a value azurerm, azapi and Azure accept.",
  resourceTypes: [...LIMITS.keys()],
  evaluate: (resource) => outcomeOf(limitProblems(resource.attributes, LIMITS.get(resource.type) ?? [])),
};
