/**
 * The AWS constructs of a data embassy site (also the entry point `data-embassy/aws`, and the
 * `aws` namespace of `data-embassy`), one per file, for `@cdktf/provider-aws`: the site's Network
 * and SiteVpn, the CustodyKey (KMS) and the EncryptedStore (S3 with Object Lock) it protects,
 * ReplicationLink between stores, Role and AccessPolicy for the custody principals, OnPremIngest
 * for a datacenter's copy job, SigningKey for push manifests, and the evidence and alerts
 * (LogBucket, AuditTrail, AlertTopic, FreshnessAlarms, ReplicationAlarms, TamperRules). Every
 * action any of them grants is a named list in `perms`; PolicyStatement and renderPolicy type and
 * render the policies.
 * @module
 */
export * from "./access-policy";
export * from "./alert-topic";
export * from "./audit-trail";
export * from "./custody";
export * from "./custody-key";
export * from "./encrypted-store";
export * from "./freshness-alarms";
export * from "./log-bucket";
export * from "./network";
export * from "./onprem-ingest";
export * from "./policy-document";
export * from "./replication-alarms";
export * from "./replication-link";
export * from "./role";
export * from "./signing-key";
export * from "./site-vpn";
export * from "./tamper-rules";
/**
 * Every IAM, KMS, S3, SNS and logs action list the AWS constructs grant, as named constants, so
 * a reviewer reads in one place exactly what each purpose may do (nothing is `*`).
 */
export * as perms from "./perms";
