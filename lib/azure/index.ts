export * from "./access-policy";
export * from "./custody";
export * from "./custody-key";
export * from "./encrypted-store";
export * from "./key-vault";
export * from "./log-store";
export * from "./network";
export * from "./replication-link";
export * as perms from "./perms";
