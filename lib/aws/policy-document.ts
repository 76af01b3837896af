/** A typed IAM / KMS / S3 policy document, rendered to JSON at synth time. */

/** Who a statement applies to: everyone (`*`, to be narrowed by a condition), AWS principals by ARN or account, or services. */
export type Principal =
  | "*"
  | {
      /** AWS principals: account ids or `arn:aws:iam::<account>:root`, role or user ARNs (IAM JSON policy reference, "AWS JSON policy elements: Principal"). */
      readonly AWS?: string | readonly string[];
      /** AWS service principals, e.g. `cloudtrail.amazonaws.com`, `s3.amazonaws.com`. */
      readonly Service?: string | readonly string[];
    };

/** A statement's conditions: operator, then condition key, then value(s), as IAM's JSON has them. */
export type Conditions = Readonly<Record<string, Readonly<Record<string, string | boolean | readonly string[]>>>>;

/** One statement of an IAM, KMS key or S3 bucket policy. */
export interface PolicyStatement {
  /** The statement's id, unique in its policy. */
  readonly Sid: string;
  /** Whether the statement allows or denies. */
  readonly Effect: "Allow" | "Deny";
  /** Who the statement applies to; absent in identity policies. */
  readonly Principal?: Principal;
  /** The actions, as named constants of perms.ts. */
  readonly Action: string | readonly string[];
  /** Absent only in trust policies. */
  readonly Resource?: string | readonly string[];
  /** When the statement applies; absent: always. */
  readonly Condition?: Conditions;
}

/** JSON text of a policy document with the given statements. */
export function renderPolicy(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** `arn:<partition>:iam::<account>:root`: the account itself as a principal. */
export function accountRoot(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}
