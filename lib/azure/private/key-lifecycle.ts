import { Token } from "cdktf";
import type { AzapiObject } from "../azapi/resource";

/** The shortest gap between automatic rotation and expiry, so a notification (and a person) can act. */
export const ROTATION_MARGIN_DAYS = 28;

/** Days before a version's expiry that Key Vault notifies (an Event Grid `KeyNearExpiry` event). */
export const EXPIRY_NOTICE_DAYS = 30;

/**
 * What is wrong with a Key Vault key's name and rotation settings, one message each (none when all
 * is well; unresolved tokens are skipped). `what` names the key in messages, e.g. `key 'brp-cmk'`.
 */
export function keyLifecycleProblems(keyName: string, rotateAfterDays: number, expireAfterDays: number, what: string): string[] {
  const problems: string[] = [];
  if (!Token.isUnresolved(keyName) && !/^[a-zA-Z0-9-]{1,127}$/.test(keyName)) {
    problems.push(`keyName must be 1-127 letters, digits and hyphens, got '${keyName}'`);
  }
  if (!Token.isUnresolved(rotateAfterDays) && (rotateAfterDays < 7 || rotateAfterDays > 365)) {
    problems.push(`rotateAfterDays must be from 7 to 365 (rotation is always on), got ${rotateAfterDays} for ${what}`);
  }
  if (!Token.isUnresolved(rotateAfterDays) && !Token.isUnresolved(expireAfterDays) && expireAfterDays < rotateAfterDays + ROTATION_MARGIN_DAYS) {
    problems.push(
      `expireAfterDays must be at least rotateAfterDays + ${ROTATION_MARGIN_DAYS} (${rotateAfterDays + ROTATION_MARGIN_DAYS}), got ${expireAfterDays} for ${what}`,
    );
  }
  return problems;
}

/**
 * A key's `rotationPolicy` (Key Vault keys.json, RotationPolicy: `attributes.expiryTime` and
 * `lifetimeActions` of a `trigger` with `timeAfterCreate` or `timeBeforeExpiry` and an `action` of
 * type `rotate` or `notify`, ISO 8601 durations): a new version after `rotateAfterDays`, each
 * version expiring after `expireAfterDays`, and a notification EXPIRY_NOTICE_DAYS before expiry.
 */
export function keyRotationPolicy(rotateAfterDays: number, expireAfterDays: number): AzapiObject {
  return {
    attributes: { expiryTime: `P${expireAfterDays}D` },
    lifetimeActions: [
      { trigger: { timeAfterCreate: `P${rotateAfterDays}D` }, action: { type: "rotate" } },
      { trigger: { timeBeforeExpiry: `P${EXPIRY_NOTICE_DAYS}D` }, action: { type: "notify" } },
    ],
  };
}
