import { CLOUDTRAIL_IAM_ACTIONS } from "../adapters/cloudtrail.js";
import { EC2_IAM_ACTIONS } from "../adapters/ec2.js";
import { LIST_IAM_ACTIONS } from "../adapters/sagemaker-list.js";
import { DESCRIBED_ONLY, RESOURCE_TYPES } from "../core/resource-types.js";

/** What the member template needs to know about the central deployment. */
export interface MemberTemplateOptions {
  /** Name of the central stack's stage (`sagemaker-isolation-guard-<stage>`). */
  stage: string;
  /** Default of the member role name parameter. */
  roleName: string;
}

const SERVICE = "sagemaker-isolation-guard";

/** The CloudTrail pattern of the enforcer function (serverless.yml), built from the resource table. */
export function cloudTrailPattern() {
  return {
    source: ["aws.sagemaker"],
    "detail-type": ["AWS API Call via CloudTrail"],
    detail: {
      eventSource: ["sagemaker.amazonaws.com"],
      eventName: Object.values(RESOURCE_TYPES).flatMap((t) => [...t.events]),
      errorCode: [{ exists: false }],
    },
  };
}

/** The state-change pattern of the stateChange function (serverless.yml). */
export function stateChangePattern() {
  return {
    source: ["aws.sagemaker"],
    "detail-type": Object.values(RESOURCE_TYPES).flatMap((t) => (t.stateChange ? [t.stateChange.detailType] : [])),
  };
}

/**
 * The SageMaker calls the central guard makes in a member account, through its role: the event path's
 * Describe, Stop and Delete (from the resource table), the label tags (nothing reads tags back: the
 * record is in the central account), and the List calls of `scan --org` and the sweep.
 */
export function memberRoleActions(): { act: string[]; tag: string; list: string[] } {
  const act = new Set<string>();
  for (const t of Object.values(RESOURCE_TYPES)) {
    for (const op of [t.api.describe, t.api.stop, t.api.delete]) if (op) act.add(`sagemaker:${op}`);
  }
  return { act: [...act].sort(), tag: "sagemaker:AddTags", list: [...LIST_IAM_ACTIONS].sort() };
}

/** `Fn::Sub` with `{Name}` for `${Name}` (keeps the template literal free of `${`). */
const sub = (s: string) => ({ "Fn::Sub": s.replace(/\{([\w:]+)\}/g, (_m, name: string) => `\${${name}}`) });

/**
 * The CloudFormation template a service-managed StackSet deploys to every member account and region:
 * two rules forwarding SageMaker's CloudTrail and state-change events to the central bus, and (in the
 * central home region's instance only, so once per account) the remediation role the central guard
 * assumes, trusted only by the central guard's roles inside the organization.
 *
 * @example writeFileSync("member.template.json", JSON.stringify(memberTemplate({ stage: "prod", roleName: "IsolationGuardMember" }), null, 2));
 */
export function memberTemplate(o: MemberTemplateOptions): Record<string, unknown> {
  const actions = memberRoleActions();
  const sagemakerArns = Object.keys(RESOURCE_TYPES).map((type) =>
    sub(`arn:{AWS::Partition}:sagemaker:*:{AWS::AccountId}:${type}/*`),
  );
  const bus = sub("arn:{AWS::Partition}:events:{CentralRegion}:{CentralAccountId}:event-bus/{CentralEventBusName}");
  const forward = (description: string, pattern: unknown) => ({
    Type: "AWS::Events::Rule",
    Properties: {
      Description: description,
      EventBusName: "default",
      EventPattern: pattern,
      State: "ENABLED",
      Targets: [{ Id: "central-guard", Arn: bus, RoleArn: { "Fn::GetAtt": ["ForwardRole", "Arn"] } }],
    },
  });
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description:
      "SageMaker Isolation Guard, member account: forwards SageMaker events to the central guard's event bus and lets the central guard describe, stop, delete and tag SageMaker resources (isolation-guard:* tags only).",
    Parameters: {
      CentralAccountId: { Type: "String", AllowedPattern: "^\\d{12}$", Description: "Account of the central guard" },
      CentralRegion: { Type: "String", Description: "Home region of the central guard (the role is created there)" },
      CentralEventBusName: { Type: "String", Default: `${SERVICE}-${o.stage}`, Description: "The central bus" },
      OrganizationId: { Type: "String", AllowedPattern: "^o-[a-z0-9]{10,32}$", Description: "aws:PrincipalOrgID" },
      MemberRoleName: {
        Type: "String",
        Default: o.roleName,
        Description: "GUARD_MEMBER_ROLE_NAME of the central guard",
      },
      TrustedPrincipalArns: {
        Type: "CommaDelimitedList",
        Description:
          "Central roles that may assume the member role (aws:PrincipalArn, wildcards allowed): the central stack's function roles, and the operator role that runs scan --org",
      },
      Regions: { Type: "CommaDelimitedList", Description: "Regions the central guard acts in (aws:RequestedRegion)" },
    },
    Conditions: { RoleRegion: { "Fn::Equals": [{ Ref: "AWS::Region" }, { Ref: "CentralRegion" }] } },
    Resources: {
      ForwardRole: {
        Type: "AWS::IAM::Role",
        Properties: {
          Description: "EventBridge forwards SageMaker events to the central Isolation Guard bus",
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
              },
            ],
          },
          Policies: [
            {
              PolicyName: "put-events-to-central-bus",
              PolicyDocument: {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: bus }],
              },
            },
          ],
        },
      },
      ForwardCloudTrailRule: forward(
        "SageMaker create calls (CloudTrail) to the central Isolation Guard",
        cloudTrailPattern(),
      ),
      ForwardStateChangeRule: forward("SageMaker state changes to the central Isolation Guard", stateChangePattern()),
      RemediationRole: {
        Type: "AWS::IAM::Role",
        Condition: "RoleRegion",
        Properties: {
          RoleName: { Ref: "MemberRoleName" },
          Description: "The central SageMaker Isolation Guard describes, stops, deletes and tags SageMaker resources",
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "CentralGuardOnly",
                Effect: "Allow",
                Principal: { AWS: sub("arn:{AWS::Partition}:iam::{CentralAccountId}:root") },
                Action: "sts:AssumeRole",
                Condition: {
                  ArnLike: { "aws:PrincipalArn": { Ref: "TrustedPrincipalArns" } },
                  StringEquals: { "aws:PrincipalOrgID": { Ref: "OrganizationId" } },
                },
              },
            ],
          },
          Policies: [
            {
              PolicyName: "isolation-guard",
              PolicyDocument: {
                Version: "2012-10-17",
                Statement: [
                  {
                    Sid: "DecideAndRemedy",
                    Effect: "Allow",
                    Action: actions.act,
                    Resource: sagemakerArns,
                    Condition: { StringEquals: { "aws:RequestedRegion": { Ref: "Regions" } } },
                  },
                  {
                    // The model package an inference recommendations job deploys: read only, in any account
                    // (a subscribed AWS Marketplace package is the seller's).
                    Sid: "ReadModelPackages",
                    Effect: "Allow",
                    Action: Object.values(DESCRIBED_ONLY).map((d) => `sagemaker:${d.describe}`),
                    Resource: sub("arn:{AWS::Partition}:sagemaker:*:*:model-package/*"),
                    Condition: { StringEquals: { "aws:RequestedRegion": { Ref: "Regions" } } },
                  },
                  {
                    Sid: "VerdictTagsOnly",
                    Effect: "Allow",
                    Action: actions.tag,
                    Resource: sagemakerArns,
                    Condition: {
                      StringEquals: { "aws:RequestedRegion": { Ref: "Regions" } },
                      "ForAllValues:StringLike": { "aws:TagKeys": ["isolation-guard:*"] },
                      Null: { "aws:TagKeys": "false" },
                    },
                  },
                  {
                    Sid: "ListForSweepAndScan",
                    Effect: "Allow",
                    // SageMaker's List* actions support no resource-level permissions: Resource must be "*".
                    Action: actions.list,
                    Resource: "*",
                    Condition: { StringEquals: { "aws:RequestedRegion": { Ref: "Regions" } } },
                  },
                  {
                    Sid: "RoutesForTheEgressCheck",
                    Effect: "Allow",
                    // A member resource's subnets exist only in the member account: the egress check reads their
                    // route tables here. EC2's Describe* actions support no resource-level permissions.
                    Action: [...EC2_IAM_ACTIONS],
                    Resource: "*",
                    Condition: { StringEquals: { "aws:RequestedRegion": { Ref: "Regions" } } },
                  },
                  {
                    Sid: "CreatorsFromEventHistory",
                    Effect: "Allow",
                    // A member resource found without its event (state change, sweep, scan --org) under a
                    // principal exemption: its creator is in this account's CloudTrail event history only
                    // (LookupEvents returns the caller's account's events). LookupEvents supports no
                    // resource-level permissions (Service Authorization Reference, AWS CloudTrail).
                    Action: [...CLOUDTRAIL_IAM_ACTIONS],
                    Resource: "*",
                    Condition: { StringEquals: { "aws:RequestedRegion": { Ref: "Regions" } } },
                  },
                  {
                    Sid: "FindingsInThisAccount",
                    Effect: "Allow",
                    // With securityHub on, the central guard imports a member resource's finding in the member
                    // account: BatchImportFindings must be called by the finding's AwsAccountId
                    // (Security Hub User Guide, "Using BatchImportFindings"); only under its own default product.
                    Action: "securityhub:BatchImportFindings",
                    Resource: sub(
                      "arn:{AWS::Partition}:securityhub:*:{AWS::AccountId}:product/{AWS::AccountId}/default",
                    ),
                    Condition: { StringEquals: { "aws:RequestedRegion": { Ref: "Regions" } } },
                  },
                  {
                    Sid: "ReadBackOwnFindings",
                    Effect: "Allow",
                    Action: "securityhub:GetFindings",
                    Resource: sub("arn:{AWS::Partition}:securityhub:*:{AWS::AccountId}:hub/default"),
                    Condition: { StringEquals: { "aws:RequestedRegion": { Ref: "Regions" } } },
                  },
                  {
                    Sid: "DeleteAutoScaledEndpoints",
                    Effect: "Allow",
                    // Deleting an auto-scaled endpoint deregisters its scalable targets with the caller's
                    // permissions (SageMaker Developer Guide: "Delete endpoints configured for auto scaling").
                    Action: "application-autoscaling:DeregisterScalableTarget",
                    Resource: sub("arn:{AWS::Partition}:application-autoscaling:*:{AWS::AccountId}:scalable-target/*"),
                    Condition: { StringEquals: { "aws:RequestedRegion": { Ref: "Regions" } } },
                  },
                ],
              },
            },
          ],
        },
      },
    },
    Outputs: {
      RemediationRoleArn: { Condition: "RoleRegion", Value: { "Fn::GetAtt": ["RemediationRole", "Arn"] } },
    },
  };
}

/**
 * The StackSet's parameters, as `aws cloudformation create-stack-set --parameters file://...` reads them.
 * @example stackSetParameters({ centralAccountId, centralRegion, organizationId, stage: "prod", roleName, regions })
 */
export function stackSetParameters(p: {
  centralAccountId: string;
  centralRegion: string;
  organizationId: string;
  stage: string;
  roleName: string;
  regions: string[];
  operatorRoleArns?: string[];
}): { ParameterKey: string; ParameterValue: string }[] {
  const trusted = [`arn:aws:iam::${p.centralAccountId}:role/${SERVICE}-${p.stage}-*`, ...(p.operatorRoleArns ?? [])];
  return [
    { ParameterKey: "CentralAccountId", ParameterValue: p.centralAccountId },
    { ParameterKey: "CentralRegion", ParameterValue: p.centralRegion },
    { ParameterKey: "CentralEventBusName", ParameterValue: `${SERVICE}-${p.stage}` },
    { ParameterKey: "OrganizationId", ParameterValue: p.organizationId },
    { ParameterKey: "MemberRoleName", ParameterValue: p.roleName },
    { ParameterKey: "TrustedPrincipalArns", ParameterValue: trusted.join(",") },
    { ParameterKey: "Regions", ParameterValue: p.regions.join(",") },
  ];
}
