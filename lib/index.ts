/**
 * Data embassy as code: the topology file and its validator, the region catalogue, the embassy
 * policy pack, `buildEmbassy`, and the AWS and Azure constructs as the `aws` and `azure`
 * namespaces (also the entry points `data-embassy/aws` and `data-embassy/azure`).
 * The topology's zod schemas stay internal: `topologyJsonSchema()` gives the published JSON Schema.
 * @module data-embassy
 */
export * as aws from "./aws";
export * as azure from "./azure";
export * from "./regions/catalogue";
export * from "./topology/holdings";
export * from "./topology/load";
export * from "./topology/mechanisms";
export * from "./topology/model";
export * from "./topology/problems";
export { topologyJsonSchema } from "./topology/schema";
export type {
  AwsCustody,
  AzureCustody,
  AzureIdentityDocument,
  LinkDocument,
  LocationDocument,
  RegistryDocument,
  SiteDocument,
  TopologyDocument,
  TopologyRules,
  VpnDocument,
} from "./topology/schema";
export * from "./topology/validate";
export * from "./policy/embassy-pack";
export * from "./policy/report";
export * from "./policy/rule";
export * from "./policy/suppressions";
export * from "../stacks/embassy";
export type { BackendConfig } from "../stacks/backend";
export type { AwsSiteStack, AwsSiteStackProps } from "../stacks/aws-site-stack";
export type { AzureSiteStack, AzureSiteStackProps } from "../stacks/azure-site-stack";
