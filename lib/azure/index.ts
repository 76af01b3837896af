/**
 * The Azure constructs of a data embassy site (also the entry point `data-embassy/azure`, and the
 * `azure` namespace of `data-embassy`), one per file, for `@cdktf/provider-azurerm` plus thin
 * azapi bindings (AzapiProvider, AzapiResource, AzapiResourceAction) where azurerm cannot express
 * a setting: the site's Network and SiteVpn, the CustodyKeyVault and its CustodyKey, the
 * EncryptedStore (storage account with locked version-level WORM) they protect, ReplicationLink
 * and PriorityReplicationPolicy between stores, AccessPolicy for the custody principals,
 * OnPremIngest for a datacenter's copy job, SigningKey for push manifests, and the evidence and
 * alerts (LogStore, ActivityLogExport, Notifications, FreshnessAlerts, ReplicationLagAlert,
 * TamperAlerts). Every role and custom-role action list they assign is in `perms`.
 * @module
 */
export * from "./access-policy";
export * from "./activity-log";
export * from "./azapi/provider";
export * from "./azapi/resource";
export * from "./custody";
export * from "./custody-key";
export * from "./encrypted-store";
export * from "./freshness-alerts";
export * from "./key-vault";
export * from "./log-store";
export * from "./network";
export * from "./notifications";
export * from "./onprem-ingest";
export * from "./replication-link";
export * from "./signing-key";
export * from "./site-vpn";
export * from "./tamper-alerts";
/**
 * Every Azure role the constructs assign: built-in roles by display name, and the action and data
 * action lists of the custom roles defined where no built-in role is least-privilege (nothing is `*`).
 */
export * as perms from "./perms";
export * from "./azapi/resource-action";
export * from "./priority-replication-policy";
export * from "./replication-lag-alert";
