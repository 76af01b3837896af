import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { type AwsCustody, partitionOf } from "./custody";
import { type PolicyStatement, type Principal, renderPolicy } from "./policy-document";

/** A role as other constructs see it: by its ARN, usable across stacks without a reference. */
export interface IRoleRef {
  /** The ARN of the IAM role. */
  readonly roleArn: string;
}

/** A role that grants can add permissions to. */
export interface IRole extends IRoleRef {
  /** The name of the IAM role. */
  readonly roleName: string;
  /** Adds a statement to the role's inline policy. */
  addToPolicy(statement: PolicyStatement): void;
}

/** How a Role is built. */
export interface RoleProps {
  /** The owning state's account: the role lives in it and trusts only what the props name. */
  readonly custody: AwsCustody;
  /** The role's name; part of its ARN, so it must not change after deployment. */
  readonly roleName: string;
  /** What the role is for, shown in the console and the review. */
  readonly description: string;
  /**
   * Who may assume the role.
   * @default - the custody administrators, and nobody else
   */
  readonly assumedBy?: Principal;
  /**
   * Conditions on assuming the role (e.g. `aws:SourceAccount` for a service principal).
   * @default - none
   */
  readonly assumeConditions?: PolicyStatement["Condition"];
}

/**
 * An IAM role whose inline policy is assembled from grants. Its ARN is known from its name
 * alone, so another stack can reference it (in a key policy condition) without a
 * cross-stack dependency that would point the wrong way.
 */
export class Role extends Construct implements IRole {
  /** The ARN a role with this name has in the custody account. */
  public static arnFor(custody: AwsCustody, roleName: string): string {
    return `arn:${partitionOf(custody)}:iam::${custody.accountId}:role/${roleName}`;
  }

  public readonly roleArn: string;
  public readonly roleName: string;
  /** The IAM role. */
  public readonly resource: IamRole;
  private readonly statements: PolicyStatement[] = [];
  private policy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: RoleProps) {
    super(scope, id);
    if (!/^[\w+=,.@-]{1,64}$/.test(props.roleName)) {
      throw new Error(`roleName must be 1-64 characters of [A-Za-z0-9+=,.@_-], got '${props.roleName}'`);
    }
    this.roleName = props.roleName;
    this.roleArn = Role.arnFor(props.custody, props.roleName);
    this.resource = new IamRole(this, "Resource", {
      name: props.roleName,
      description: props.description,
      maxSessionDuration: 3600,
      assumeRolePolicy: renderPolicy([
        {
          Sid: "AssumeRole",
          Effect: "Allow",
          Principal: props.assumedBy ?? { AWS: [...props.custody.administrators] },
          Action: "sts:AssumeRole",
          ...(props.assumeConditions ? { Condition: props.assumeConditions } : {}),
        },
      ]),
    });
  }

  /**
   * Adds a statement to the role's inline policy. A statement whose Sid exists already is merged
   * into it when effect, actions and conditions are the same (its resources are added), so grants
   * of one purpose on many stores stay one statement; any other reuse of a Sid is an error.
   */
  public addToPolicy(statement: PolicyStatement): void {
    const index = this.statements.findIndex((s) => s.Sid === statement.Sid);
    if (index >= 0) {
      const existing = this.statements[index];
      const same = (a: PolicyStatement, b: PolicyStatement) =>
        a.Effect === b.Effect && JSON.stringify(a.Action) === JSON.stringify(b.Action) && JSON.stringify(a.Condition) === JSON.stringify(b.Condition);
      if (!same(existing, statement)) {
        throw new Error(`role '${this.roleName}' already has a different statement with Sid '${statement.Sid}'`);
      }
      const resources = [...new Set([...[existing.Resource ?? []].flat(), ...[statement.Resource ?? []].flat()])];
      this.statements[index] = { ...existing, Resource: resources };
      return;
    }
    this.statements.push(statement);
    this.policy ??= new IamRolePolicy(this, "Policy", {
      role: this.resource.name,
      name: `${this.roleName}-policy`.slice(0, 128),
      policy: Lazy.stringValue({ produce: () => renderPolicy(this.statements) }),
    });
  }
}
