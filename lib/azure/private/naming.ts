import { createHash } from "node:crypto";
import { physicalName } from "../../private/names";

/**
 * A globally unique, deterministic name of 3-`maxLength` lower-case letters and digits (storage
 * accounts: 24, key vaults: 24), from its parts and a short hash of the subscription. Azure puts
 * these names in public DNS, so two embassies (or two subscriptions) must never collide; the
 * subscription hash is not a secret, just a disambiguator.
 */
export function globalAlphanumericName(parts: readonly string[], subscriptionId: string, maxLength = 24): string {
  const scope = createHash("sha256").update(subscriptionId.toLowerCase()).digest("hex").slice(0, 4);
  const clean = parts.map((p) => p.toLowerCase().replace(/[^a-z0-9]/g, ""));
  return physicalName([...clean, scope], maxLength, "");
}

/** Storage account names: 3-24 lower-case letters and digits. */
export const STORAGE_ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;

/** Key vault names: 3-24 letters, digits and single hyphens, starting with a letter, not ending with a hyphen. */
export const KEY_VAULT_NAME = /^(?=.{3,24}$)[a-zA-Z](?:-?[a-zA-Z0-9])*$/;
