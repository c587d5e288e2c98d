import { readServerlessYml } from "../../../scripts/serverless-yml.js";

/*
 * The deployment's failure paths and grants, statement by statement (serverless.yml as data; cfn-lint and
 * `npm run package` check the rest in CI). Each expectation is one promise of SECURITY.md.
 */
const sls = readServerlessYml();
const R = sls.resources.Resources;
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation as data
type Any = any;
const byType = (type: string) => Object.entries(R).filter(([, r]) => (r as Any).Type === type) as [string, Any][];
const alarms = byType("AWS::CloudWatch::Alarm").map(([id, r]) => ({ id, ...r.Properties }));
const ruleNames = ["enforcer", "stateChange"].map((fn) => sls.functions[fn].events[0].eventBridge.name as string);
const ruleArn = (name: string) => ({
  Sub: `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${name}`,
});
const statementsOf = (roleId: string): Any[] =>
  R[roleId].Properties.Policies.flatMap((p: Any) => p.PolicyDocument.Statement);
const roles = Object.values(sls.functions).map((f: Any) => f.role as string);

describe("alarms on their own path", () => {
  it("sends every alarm to the alarm topic, which does not use the alert topic's key", () => {
    expect(alarms.length).toBeGreaterThanOrEqual(13);
    for (const a of alarms)
      expect({ id: a.id, actions: a.AlarmActions }).toEqual({ id: a.id, actions: [{ Ref: "AlarmTopic" }] });
    expect(R.AlarmTopic.Type).toBe("AWS::SNS::Topic");
    expect(R.AlarmTopic.Properties.KmsMasterKeyId).toBeUndefined();
    expect(R.AlertTopic.Properties.KmsMasterKeyId).toEqual({ Ref: "AlertKey" });
  });

  it("lets only this stack's alarms publish to the alarm topic", () => {
    const [statement, ...others] = R.AlarmTopicPolicy.Properties.PolicyDocument.Statement;
    expect(others).toEqual([]);
    expect(statement).toMatchObject({
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: { Ref: "AlarmTopic" },
    });
    expect(statement.Condition.StringEquals).toEqual({ "aws:SourceAccount": { Ref: "AWS::AccountId" } });
    const pattern = statement.Condition.ArnLike["aws:SourceArn"].Sub as string;
    expect(pattern).toBe(
      `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:\${self:service}-\${sls:stage}-*`,
    );
    for (const a of alarms) expect(a.AlarmName).toMatch(/^\$\{self:service\}-\$\{sls:stage\}-[a-z-]+$/);
    expect(new Set(alarms.map((a) => a.AlarmName)).size).toBe(alarms.length);
  });

  it("no longer lets CloudWatch publish to the alert topic", () => {
    expect(byType("AWS::SNS::TopicPolicy").map(([id]) => id)).toEqual(["AlarmTopicPolicy"]);
  });

  const watched = (namespace: string, metric: string) =>
    alarms
      .filter((a) => a.Namespace === namespace && a.MetricName === metric)
      .map((a) => a.Dimensions[0].Value)
      .map((v: Any) => (typeof v === "string" ? v : (v.Ref ?? v.GetAtt)));

  it.each(["FailedInvocations", "InvocationsFailedToBeSentToDlq"])(
    "alarms on EventBridge %s for both rules",
    (metric) => {
      expect(watched("AWS/Events", metric).sort()).toEqual([...ruleNames].sort());
      for (const a of alarms.filter((x) => x.MetricName === metric)) expect(a.Dimensions[0].Name).toBe("RuleName");
    },
  );

  it("alarms on Lambda DestinationDeliveryFailures for every function with an on-failure destination", () => {
    const withDestination = Object.entries(sls.functions)
      .filter(([, f]) => (f as Any).destinations?.onFailure)
      .map(([name]) => `${name.charAt(0).toUpperCase()}${name.slice(1)}LambdaFunction`);
    expect(watched("AWS/Lambda", "DestinationDeliveryFailures").sort()).toEqual(withDestination.sort());
  });

  it("alarms on Lambda Errors for every function", () => {
    const functions = Object.keys(sls.functions).map((n) => `${n.charAt(0).toUpperCase()}${n.slice(1)}LambdaFunction`);
    expect(watched("AWS/Lambda", "Errors").sort()).toEqual(functions.sort());
  });

  it("alarms on the depth of both dead-letter queues", () => {
    expect(watched("AWS/SQS", "ApproximateNumberOfMessagesVisible").sort()).toEqual([
      "DeadLetterQueue.QueueName",
      "NotifierDeadLetterQueue.QueueName",
    ]);
  });

  it("fires on the first failure, and stays quiet when a metric has no data", () => {
    for (const a of alarms)
      expect({ id: a.id, t: a.Threshold, op: a.ComparisonOperator, missing: a.TreatMissingData }).toEqual({
        id: a.id,
        t: 0,
        op: "GreaterThanThreshold",
        missing: "notBreaching",
      });
  });
});

/** The stack's two rules, and (shape central) the organization bus's two, whose ARNs are rule/BUS/NAME. */
function deadLetterRuleArns() {
  const bus = R.CentralEventBus.Properties.Name as string;
  const central = ["CentralCloudTrailRule", "CentralStateChangeRule"].map((id) => {
    expect(R[id].Properties.Targets[0].DeadLetterConfig).toEqual({ Arn: { GetAtt: "DeadLetterQueue.Arn" } });
    return `${bus}/${R[id].Properties.Name as string}`;
  });
  return [...ruleNames, ...central].map(ruleArn);
}

describe("the key and the dead-letter queue", () => {
  const key = R.AlertKey.Properties.KeyPolicy.Statement as Any[];

  it("grants services only what encrypted dead letters need: EventBridge, for these rules and this queue", () => {
    const services = key.filter((s) => s.Principal.Service);
    expect(services).toHaveLength(1);
    const [eb] = services;
    expect(eb).toMatchObject({
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
    });
    expect(eb.Condition.ArnEquals["aws:SourceArn"]).toEqual(deadLetterRuleArns());
    expect(eb.Condition.StringEquals).toEqual({
      "kms:EncryptionContext:aws:sqs:arn": {
        Sub: `arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:${R.DeadLetterQueue.Properties.QueueName}`,
      },
    });
    expect(JSON.stringify(key)).not.toContain("sns.amazonaws.com");
    expect(JSON.stringify(key)).not.toContain("cloudwatch.amazonaws.com");
  });

  it("lets only the stack's rules (two per shape) write the dead-letter queue", () => {
    const [statement, ...others] = R.DeadLetterQueuePolicy.Properties.PolicyDocument.Statement;
    expect(others).toEqual([]);
    expect(statement).toMatchObject({
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: { GetAtt: "DeadLetterQueue.Arn" },
    });
    expect(statement.Condition).toEqual({ ArnEquals: { "aws:SourceArn": deadLetterRuleArns() } });
    for (const fn of ["enforcer", "stateChange"])
      expect(sls.functions[fn].events[0].eventBridge.deadLetterQueueArn).toEqual({ GetAtt: "DeadLetterQueue.Arn" });
  });
});

describe("the functions' grants, narrowed", () => {
  it.each(roles)("%s writes only isolation-guard:* tags", (roleId) => {
    const tagging = statementsOf(roleId).filter((s) =>
      [s.Action].flat().some((a: string) => a === "sagemaker:AddTags" || a === "sagemaker:*"),
    );
    for (const s of tagging) {
      expect([s.Action].flat()).toEqual(["sagemaker:AddTags"]);
      expect(s.Condition).toEqual({
        "ForAllValues:StringLike": { "aws:TagKeys": "isolation-guard:*" },
        Null: { "aws:TagKeys": "false" },
      });
    }
  });

  it.each(roles)("%s deregisters SageMaker's scalable targets only", (roleId) => {
    const deregister = statementsOf(roleId).filter((s) =>
      [s.Action].flat().includes("application-autoscaling:DeregisterScalableTarget"),
    );
    for (const s of deregister)
      expect(s.Condition).toEqual({ StringEquals: { "application-autoscaling:service-namespace": "sagemaker" } });
  });

  it("keeps tagging where the guard tags: the enforcer, the state-change function and the sweep", () => {
    const tags = (roleId: string) => statementsOf(roleId).some((s) => [s.Action].flat().includes("sagemaker:AddTags"));
    expect(["EnforcerRole", "StateChangeRole", "SweepRole"].map(tags)).toEqual([true, true, true]);
  });
});
