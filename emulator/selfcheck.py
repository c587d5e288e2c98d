#!/usr/bin/env python3
"""Self-check for the isolation-guard emulator (boto3 against a running instance).

    python3 emulator/isolation_guard_emulator.py --port 5123 &
    python3 emulator/selfcheck.py --endpoint http://127.0.0.1:5123

Ends with "N passed, N failed" (exit code 1 if anything failed).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
import urllib.request
from typing import Any, Callable

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/sm"
results = {"passed": 0, "failed": 0}


def check(name: str) -> Callable:
    def deco(fn: Callable[[], None]) -> Callable:
        try:
            fn()
            results["passed"] += 1
            print(f"ok   {name}")
        except Exception:  # noqa: BLE001
            results["failed"] += 1
            print(f"FAIL {name}\n" + "".join("     " + l for l in traceback.format_exc().splitlines(True)))
        return fn
    return deco


def expect_error(call: Callable[[], Any], code: str, message: str | None = None, status: int = 400) -> ClientError:
    try:
        call()
    except ClientError as e:
        err, meta = e.response["Error"], e.response["ResponseMetadata"]
        assert err["Code"] == code, f"code {err['Code']!r} != {code!r} ({err.get('Message')})"
        assert meta["HTTPStatusCode"] == status, f"status {meta['HTTPStatusCode']} != {status}"
        if message is not None:
            assert err["Message"] == message, f"message {err['Message']!r} != {message!r}"
        return e
    raise AssertionError(f"expected {code}, call succeeded")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", default="http://127.0.0.1:5123")
    endpoint = ap.parse_args().endpoint.rstrip("/")

    def control(method: str, path: str, body: Any = None) -> tuple[int, Any]:
        req = urllib.request.Request(endpoint + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req) as r:
                raw = r.read()
                status = r.status
        except urllib.error.HTTPError as e:
            raw, status = e.read(), e.code
        try:
            return status, json.loads(raw or b"null")
        except ValueError:
            return status, raw.decode()

    kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
              aws_secret_access_key="testing",
              config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))
    sm = boto3.client("sagemaker", **kw)
    sns = boto3.client("sns", **kw)
    sqs = boto3.client("sqs", **kw)

    status, _ = control("POST", "/moto-api/reset")
    assert status == 200

    def training_job(name: str, **extra: Any) -> str:
        return sm.create_training_job(
            TrainingJobName=name, RoleArn=ROLE,
            AlgorithmSpecification={"TrainingImage": "img:1", "TrainingInputMode": "File"},
            OutputDataConfig={"S3OutputPath": "s3://b/out"},
            ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 5},
            StoppingCondition={"MaxRuntimeInSeconds": 60}, **extra)["TrainingJobArn"]

    def tuning_job(name: str) -> str:
        return sm.create_hyper_parameter_tuning_job(
            HyperParameterTuningJobName=name,
            HyperParameterTuningJobConfig={"Strategy": "Random",
                                           "ResourceLimits": {"MaxNumberOfTrainingJobs": 2,
                                                              "MaxParallelTrainingJobs": 1}},
            TrainingJobDefinition={"AlgorithmSpecification": {"TrainingImage": "img:1",
                                                              "TrainingInputMode": "File"},
                                   "RoleArn": ROLE, "OutputDataConfig": {"S3OutputPath": "s3://b/o"},
                                   "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1,
                                                      "VolumeSizeInGB": 5},
                                   "StoppingCondition": {"MaxRuntimeInSeconds": 60},
                                   "EnableNetworkIsolation": False})["HyperParameterTuningJobArn"]

    def processing_job(name: str) -> str:
        return sm.create_processing_job(
            ProcessingJobName=name, RoleArn=ROLE,
            ProcessingResources={"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large",
                                                   "VolumeSizeInGB": 5}},
            AppSpecification={"ImageUri": "img:1"},
            NetworkConfig={"EnableNetworkIsolation": True})["ProcessingJobArn"]

    def model(name: str, **extra: Any) -> str:
        return sm.create_model(ModelName=name, ExecutionRoleArn=ROLE, **extra)["ModelArn"]

    def transform_job(name: str, model_name: str) -> str:
        return sm.create_transform_job(
            TransformJobName=name, ModelName=model_name,
            TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in"}}},
            TransformOutput={"S3OutputPath": "s3://b/out"},
            TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": 1})["TransformJobArn"]

    # ---- (a) new jobs start InProgress ----------------------------------------------------
    @check("(a) training job starts InProgress / Starting")
    def _():
        training_job("tj-a", EnableNetworkIsolation=True,
                     VpcConfig={"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]})
        d = sm.describe_training_job(TrainingJobName="tj-a")
        assert d["TrainingJobStatus"] == "InProgress", d["TrainingJobStatus"]
        assert d["SecondaryStatus"] == "Starting", d["SecondaryStatus"]
        assert "TrainingEndTime" not in d
        assert d["EnableNetworkIsolation"] is True and d["VpcConfig"]["Subnets"] == ["subnet-1"]
        summaries = sm.list_training_jobs()["TrainingJobSummaries"]
        assert [s["TrainingJobStatus"] for s in summaries if s["TrainingJobName"] == "tj-a"] == ["InProgress"]

    @check("(a) tuning, processing, transform jobs start InProgress")
    def _():
        tuning_job("hpo-a")
        processing_job("pj-a")
        model("m-a", PrimaryContainer={"Image": "img:1"})
        transform_job("xf-a", "m-a")
        assert sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName="hpo-a")[
            "HyperParameterTuningJobStatus"] == "InProgress"
        assert sm.describe_processing_job(ProcessingJobName="pj-a")["ProcessingJobStatus"] == "InProgress"
        assert sm.describe_transform_job(TransformJobName="xf-a")["TransformJobStatus"] == "InProgress"

    # ---- (b) Stop* --------------------------------------------------------------------------
    @check("(b) StopTrainingJob: InProgress -> Stopped; again -> ValidationException")
    def _():
        assert sm.stop_training_job(TrainingJobName="tj-a")["ResponseMetadata"]["HTTPStatusCode"] == 200
        d = sm.describe_training_job(TrainingJobName="tj-a")
        assert d["TrainingJobStatus"] == "Stopped" and d["SecondaryStatus"] == "Stopped", d
        expect_error(lambda: sm.stop_training_job(TrainingJobName="tj-a"), "ValidationException",
                     "The request was rejected because the training job is in status Stopped.")

    @check("(b) StopTrainingJob on a Completed job and on a missing job")
    def _():
        training_job("tj-done")
        status, body = control("POST", "/guard-api/job-status",
                               {"type": "training-job", "name": "tj-done", "status": "Completed"})
        assert status == 200, body
        expect_error(lambda: sm.stop_training_job(TrainingJobName="tj-done"), "ValidationException",
                     "The request was rejected because the training job is in status Completed.")
        expect_error(lambda: sm.stop_training_job(TrainingJobName="nope"), "ValidationException",
                     "Requested resource not found.")
        expect_error(lambda: sm.describe_training_job(TrainingJobName="nope"), "ValidationException",
                     "Requested resource not found.")

    @check("(b) Stop error is a JSON body with __type (what the JS SDK parses)")
    def _():
        # moto picks the service from the SigV4 credential scope, so send a (fake) one
        auth = ("AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sagemaker/aws4_request, "
                "SignedHeaders=host, Signature=0")
        req = urllib.request.Request(endpoint + "/", method="POST", data=b'{"TrainingJobName":"tj-a"}',
                                     headers={"X-Amz-Target": "SageMaker.StopTrainingJob", "Authorization": auth,
                                              "Content-Type": "application/x-amz-json-1.1"})
        try:
            urllib.request.urlopen(req)
            raise AssertionError("expected HTTP 400")
        except urllib.error.HTTPError as e:
            assert e.code == 400
            body = json.loads(e.read())
            assert body["__type"] == "ValidationException", body
            # moto writes "Message"; the JS SDK v3 reads message ?? Message
            assert "status Stopped" in (body.get("message") or body.get("Message")), body

    @check("(b) StopHyperParameterTuningJob / StopProcessingJob / StopTransformJob")
    def _():
        sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName="hpo-a")
        sm.stop_processing_job(ProcessingJobName="pj-a")
        sm.stop_transform_job(TransformJobName="xf-a")
        assert sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName="hpo-a")[
            "HyperParameterTuningJobStatus"] == "Stopped"
        assert sm.describe_processing_job(ProcessingJobName="pj-a")["ProcessingJobStatus"] == "Stopped"
        assert sm.describe_transform_job(TransformJobName="xf-a")["TransformJobStatus"] == "Stopped"
        expect_error(lambda: sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName="hpo-a"),
                     "ValidationException",
                     "The request was rejected because the hyperparameter tuning job is in status Stopped.")
        expect_error(lambda: sm.stop_processing_job(ProcessingJobName="pj-a"), "ValidationException",
                     "The request was rejected because the processing job is in status Stopped.")
        expect_error(lambda: sm.stop_transform_job(TransformJobName="xf-a"), "ValidationException",
                     "The request was rejected because the transform job is in status Stopped.")
        for call in (lambda: sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName="nope"),
                     lambda: sm.stop_processing_job(ProcessingJobName="nope"),
                     lambda: sm.stop_transform_job(TransformJobName="nope")):
            expect_error(call, "ValidationException", "Requested resource not found.")

    # ---- (c) DescribeModel ------------------------------------------------------------------
    @check("(c) DescribeModel echoes EnableNetworkIsolation, VpcConfig, PrimaryContainer, Containers")
    def _():
        model("m-iso", EnableNetworkIsolation=True, PrimaryContainer={"Image": "img:1", "Environment": {"K": "v"}},
              VpcConfig={"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]})
        d = sm.describe_model(ModelName="m-iso")
        assert d["EnableNetworkIsolation"] is True
        assert d["VpcConfig"] == {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}
        assert d["PrimaryContainer"]["Image"] == "img:1" and d["PrimaryContainer"]["Environment"] == {"K": "v"}
        model("m-multi", Containers=[{"Image": "a:1"}, {"Image": "b:1"}])
        d = sm.describe_model(ModelName="m-multi")
        assert d["EnableNetworkIsolation"] is False
        assert [c["Image"] for c in d["Containers"]] == ["a:1", "b:1"]
        assert "VpcConfig" not in d and "PrimaryContainer" not in d, d

    @check("(c) DescribeModel on a missing model")
    def _():
        expect_error(lambda: sm.describe_model(ModelName="ghost"), "ValidationException",
                     'Could not find model "arn:aws:sagemaker:us-east-1:123456789012:model/ghost".')

    # ---- (d) tags on resources created without tags ----------------------------------------
    @check("(d) AddTags/ListTags/DeleteTags on untagged jobs, models, endpoint configs, endpoints")
    def _():
        sm.create_endpoint_config(EndpointConfigName="ec-t", ProductionVariants=[
            {"VariantName": "v", "ModelName": "m-a", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}])
        sm.create_endpoint(EndpointName="ep-t", EndpointConfigName="ec-t")
        arns = [
            training_job("tj-t"), tuning_job("hpo-t"), processing_job("pj-t"), transform_job("xf-t", "m-a"),
            model("m-t", PrimaryContainer={"Image": "img:1"}),
            sm.describe_endpoint_config(EndpointConfigName="ec-t")["EndpointConfigArn"],
            sm.describe_endpoint(EndpointName="ep-t")["EndpointArn"],
        ]
        for arn in arns:
            assert sm.list_tags(ResourceArn=arn)["Tags"] == [], arn
            sm.add_tags(ResourceArn=arn, Tags=[{"Key": "guard", "Value": "x"}, {"Key": "k2", "Value": "y"}])
            assert {t["Key"] for t in sm.list_tags(ResourceArn=arn)["Tags"]} == {"guard", "k2"}, arn
            sm.delete_tags(ResourceArn=arn, TagKeys=["k2"])
            assert sm.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "guard", "Value": "x"}], arn
        expect_error(lambda: sm.list_tags(
            ResourceArn="arn:aws:sagemaker:us-east-1:123456789012:training-job/missing"),
            "ValidationException", "Requested resource not found.")

    # ---- (e) endpoints ------------------------------------------------------------------------
    @check("(e) endpoint config / endpoint lifecycle")
    def _():
        sm.create_endpoint_config(EndpointConfigName="ec-e", EnableNetworkIsolation=True,
                                  VpcConfig={"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
                                  ProductionVariants=[{"VariantName": "v", "ModelName": "m-iso",
                                                       "InstanceType": "ml.m5.large",
                                                       "InitialInstanceCount": 1}])
        d = sm.describe_endpoint_config(EndpointConfigName="ec-e")
        assert d["EnableNetworkIsolation"] is True and d["VpcConfig"]["Subnets"] == ["subnet-1"], d
        assert d["ProductionVariants"][0]["ModelName"] == "m-iso"
        sm.create_endpoint(EndpointName="ep-e", EndpointConfigName="ec-e")
        assert sm.describe_endpoint(EndpointName="ep-e")["EndpointStatus"] == "Creating"
        status, _ = control("POST", "/guard-api/job-status", {"type": "endpoint", "name": "ep-e",
                                                              "status": "InService"})
        assert status == 200
        assert sm.describe_endpoint(EndpointName="ep-e")["EndpointStatus"] == "InService"
        sm.delete_endpoint(EndpointName="ep-e")
        sm.delete_endpoint_config(EndpointConfigName="ec-e")
        expect_error(lambda: sm.describe_endpoint(EndpointName="ep-e"), "ValidationException")
        expect_error(lambda: sm.describe_endpoint_config(EndpointConfigName="ec-e"), "ValidationException")

    @check("(g) inference components: create on an endpoint, describe, list (filters, pages), tags, status, delete")
    def _():
        expect_error(lambda: sm.create_inference_component(
            InferenceComponentName="ic-x", EndpointName="no-such-endpoint", VariantName="v",
            Specification={"ModelName": "m"}, RuntimeConfig={"CopyCount": 1}), "ValidationException")
        sm.create_endpoint_config(EndpointConfigName="ec-g", ProductionVariants=[
            {"VariantName": "v", "InstanceType": "ml.g4dn.xlarge", "InitialInstanceCount": 1}])
        sm.create_endpoint(EndpointName="ep-g", EndpointConfigName="ec-g")
        arns = [sm.create_inference_component(
            InferenceComponentName=f"ic-g{i}", EndpointName="ep-g", VariantName="v",
            Specification={"ModelName": f"m-g{i}", "Container": {"Image": "img", "Environment": {"K": "V"}}},
            RuntimeConfig={"CopyCount": 2})["InferenceComponentArn"] for i in range(3)]
        assert arns[0] == "arn:aws:sagemaker:us-east-1:123456789012:inference-component/ic-g0", arns
        d = sm.describe_inference_component(InferenceComponentName="ic-g1")
        assert d["InferenceComponentStatus"] == "Creating" and d["EndpointName"] == "ep-g", d
        assert d["Specification"]["ModelName"] == "m-g1", d
        assert d["Specification"]["Container"]["DeployedImage"]["SpecifiedImage"] == "img", d
        assert d["RuntimeConfig"] == {"DesiredCopyCount": 2, "CurrentCopyCount": 2}, d
        status, _ = control("POST", "/guard-api/job-status",
                            {"type": "inference-component", "name": "ic-g1", "status": "InService"})
        assert status == 200
        pages = list(sm.get_paginator("list_inference_components").paginate(PaginationConfig={"PageSize": 2}))
        assert len(pages) == 2, pages
        names = sorted(s["InferenceComponentName"] for p in pages for s in p["InferenceComponents"])
        assert names == ["ic-g0", "ic-g1", "ic-g2"], names
        live = sm.list_inference_components(StatusEquals="InService")["InferenceComponents"]
        assert [s["InferenceComponentName"] for s in live] == ["ic-g1"], live
        assert sm.list_inference_components(EndpointNameEquals="other")["InferenceComponents"] == []
        expect_error(lambda: sm.list_inference_components(NextToken="not-a-token"), "ValidationException")
        assert len(sm.list_inference_components(CreationTimeAfter=time.time() - 3600)["InferenceComponents"]) == 3
        assert sm.list_inference_components(CreationTimeAfter=time.time() + 3600)["InferenceComponents"] == []
        sm.add_tags(ResourceArn=arns[2], Tags=[{"Key": "k", "Value": "1"}])
        sm.add_tags(ResourceArn=arns[2], Tags=[{"Key": "k", "Value": "2"}])
        assert sm.list_tags(ResourceArn=arns[2])["Tags"] == [{"Key": "k", "Value": "2"}]
        sm.delete_inference_component(InferenceComponentName="ic-g2")
        e = expect_error(lambda: sm.describe_inference_component(InferenceComponentName="ic-g2"),
                         "ValidationException")
        assert "Could not find inference component" in e.response["Error"]["Message"], e.response
        expect_error(lambda: sm.list_tags(ResourceArn=arns[2]), "ValidationException")

    @check("(g) inference components: Specifications[] and own containers echoed; one of Specification/Specifications")
    def _():
        sm.create_endpoint_config(EndpointConfigName="ec-g2", EnableNetworkIsolation=True, ProductionVariants=[
            {"VariantName": "v", "InstanceType": "ml.g4dn.xlarge", "InitialInstanceCount": 1}])
        sm.create_endpoint(EndpointName="ep-g2", EndpointConfigName="ec-g2")
        sm.create_inference_component(
            InferenceComponentName="ic-own", EndpointName="ep-g2", VariantName="v",
            Specification={"Container": {"Image": "own-img", "ArtifactUrl": "s3://b/m.tar.gz"}},
            RuntimeConfig={"CopyCount": 1})
        d = sm.describe_inference_component(InferenceComponentName="ic-own")
        assert d["Specification"]["Container"]["DeployedImage"] == {"SpecifiedImage": "own-img"}, d
        assert "ModelName" not in d["Specification"] and "Specifications" not in d, d
        sm.create_inference_component(
            InferenceComponentName="ic-multi", EndpointName="ep-g2", VariantName="v",
            Specifications=[{"ModelName": "m-a"}, {"Container": {"Image": "img-b"}}],
            RuntimeConfig={"CopyCount": 1})
        d = sm.describe_inference_component(InferenceComponentName="ic-multi")
        assert "Specification" not in d, d
        assert d["Specifications"][0]["ModelName"] == "m-a", d
        assert d["Specifications"][1]["Container"]["DeployedImage"]["SpecifiedImage"] == "img-b", d
        expect_error(lambda: sm.create_inference_component(
            InferenceComponentName="ic-both", EndpointName="ep-g2", VariantName="v",
            Specification={"ModelName": "m"}, Specifications=[{"ModelName": "m"}],
            RuntimeConfig={"CopyCount": 1}), "ValidationException")
        assert sm.describe_endpoint_config(EndpointConfigName="ec-g2")["EnableNetworkIsolation"] is True

    @check("(h) job-parent control: Describe answers with the parent ARN; validate; 404")
    def _():
        training_job("tj-child")
        processing_job("pj-child")
        parent = "arn:aws:sagemaker:us-east-1:123456789012:automl-job/autopilot-x"
        assert "AutoMLJobArn" not in sm.describe_training_job(TrainingJobName="tj-child")
        status, body = control("POST", "/guard-api/job-parent", {
            "type": "training-job", "name": "tj-child", "parentKey": "AutoMLJobArn", "parentArn": parent})
        assert status == 200 and body["AutoMLJobArn"] == parent, body
        assert sm.describe_training_job(TrainingJobName="tj-child")["AutoMLJobArn"] == parent
        rule_parent = "arn:aws:sagemaker:us-east-1:123456789012:training-job/tj-child"
        status, _ = control("POST", "/guard-api/job-parent", {
            "type": "processing-job", "name": "pj-child", "parentKey": "TrainingJobArn", "parentArn": rule_parent})
        assert status == 200
        assert sm.describe_processing_job(ProcessingJobName="pj-child")["TrainingJobArn"] == rule_parent
        status, _ = control("POST", "/guard-api/job-parent", {
            "type": "processing-job", "name": "pj-child", "parentKey": "TuningJobArn", "parentArn": parent})
        assert status == 400
        status, _ = control("POST", "/guard-api/job-parent", {
            "type": "training-job", "name": "ghost", "parentKey": "TuningJobArn", "parentArn": parent})
        assert status == 404

    # ---- (f) control API -------------------------------------------------------------------
    # ---- (i) the other compute surfaces (issue 14) ------------------------------------------
    def status_of(kind: str, name: str, value: str) -> None:
        code, body = control("POST", "/guard-api/job-status", {"type": kind, "name": name, "status": value})
        assert code == 200, (code, body)

    def arn_of(kind: str, name: str) -> str:
        return f"arn:aws:sagemaker:us-east-1:123456789012:{kind}/{name}"

    def tags_work(arn: str) -> None:
        sm.add_tags(ResourceArn=arn, Tags=[{"Key": "k", "Value": "1"}])
        sm.add_tags(ResourceArn=arn, Tags=[{"Key": "k", "Value": "2"}])
        assert sm.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "k", "Value": "2"}], arn

    GROUP = {"InstanceCount": 1, "InstanceGroupName": "g", "InstanceType": "ml.t3.medium",
             "LifeCycleConfig": {"SourceS3Uri": "s3://sagemaker-lifecycle/l", "OnCreate": "on.sh"},
             "ExecutionRole": ROLE}
    VPC = {"Subnets": ["subnet-0a1b2c3d"], "SecurityGroupIds": ["sg-0a1b2c3d"]}

    @check("(i1) notebook instance: Pending at first, Stop refused until InService, then Stopped; tags")
    def _():
        sm.create_notebook_instance(NotebookInstanceName="sc-nb", InstanceType="ml.t3.medium", RoleArn=ROLE)
        d = sm.describe_notebook_instance(NotebookInstanceName="sc-nb")
        assert d["NotebookInstanceStatus"] == "Pending" and d["DirectInternetAccess"] == "Enabled", d
        expect_error(lambda: sm.stop_notebook_instance(NotebookInstanceName="sc-nb"), "ValidationException",
                     "Status (Pending) not in ([InService]). Unable to transition to (Stopping) for Notebook "
                     f"Instance ({arn_of('notebook-instance', 'sc-nb')}).")
        status_of("notebook-instance", "sc-nb", "InService")
        sm.stop_notebook_instance(NotebookInstanceName="sc-nb")
        assert sm.describe_notebook_instance(NotebookInstanceName="sc-nb")["NotebookInstanceStatus"] == "Stopped"
        assert [n["NotebookInstanceName"] for n in sm.list_notebook_instances(StatusEquals="Stopped")["NotebookInstances"]] == ["sc-nb"]
        expect_error(lambda: sm.describe_notebook_instance(NotebookInstanceName="sc-none"), "ValidationException",
                     "RecordNotFound")
        tags_work(arn_of("notebook-instance", "sc-nb"))

    @check("(i2) domain: PublicInternetOnly by default; UpdateDomain changes access type, subnets, security groups")
    def _():
        arn = sm.create_domain(DomainName="sc-dom", AuthMode="IAM", DefaultUserSettings={"ExecutionRole": ROLE},
                               SubnetIds=["subnet-0a1b2c3d"], VpcId="vpc-0a1b2c3d")["DomainArn"]
        domain_id = arn.rsplit("/", 1)[-1]
        d = sm.describe_domain(DomainId=domain_id)
        assert d["AppNetworkAccessType"] == "PublicInternetOnly", d
        sm.update_domain(DomainId=domain_id, AppNetworkAccessType="VpcOnly", SubnetIds=["subnet-0e0e0e0e"],
                         DefaultUserSettings={"SecurityGroups": ["sg-0e0e0e0e"]})
        d = sm.describe_domain(DomainId=domain_id)
        assert d["AppNetworkAccessType"] == "VpcOnly" and d["SubnetIds"] == ["subnet-0e0e0e0e"], d
        assert d["DefaultUserSettings"] == {"ExecutionRole": ROLE, "SecurityGroups": ["sg-0e0e0e0e"]}, d
        status_of("domain", domain_id, "Updating")
        assert sm.list_domains()["Domains"][0]["Status"] == "Updating"
        expect_error(lambda: sm.update_domain(DomainId="d-none", AppNetworkAccessType="VpcOnly"),
                     "ValidationException", "Could not find domain 'd-none'.")
        tags_work(arn)

    @check("(i3) HyperPod cluster: created Creating without ThreadsPerCore; UpdateCluster keeps OverrideVpcConfig")
    def _():
        arn = sm.create_cluster(ClusterName="sc-hp", InstanceGroups=[GROUP])["ClusterArn"]
        d = sm.describe_cluster(ClusterName="sc-hp")
        assert d["ClusterStatus"] == "Creating" and "VpcConfig" not in d, d
        sm.update_cluster(ClusterName="sc-hp", InstanceGroups=[{**GROUP, "InstanceCount": 2, "OverrideVpcConfig": VPC}])
        d = sm.describe_cluster(ClusterName="sc-hp")
        assert d["ClusterStatus"] == "Updating" and d["InstanceGroups"][0]["OverrideVpcConfig"] == VPC, d
        assert d["InstanceGroups"][0]["TargetCount"] == 2, d
        sm.create_cluster(ClusterName="sc-hp-vpc", InstanceGroups=[GROUP], VpcConfig=VPC)
        assert sm.describe_cluster(ClusterName="sc-hp-vpc")["VpcConfig"] == VPC
        status_of("cluster", "sc-hp", "InService")
        assert {c["ClusterName"]: c["ClusterStatus"] for c in sm.list_clusters()["ClusterSummaries"]}["sc-hp"] == "InService"
        expect_error(lambda: sm.update_cluster(ClusterName="sc-none", InstanceGroups=[GROUP]), "ResourceNotFound")
        tags_work(arn)

    @check("(i4) compilation job: INPROGRESS at first; StopCompilationJob -> STOPPED, again -> ValidationException")
    def _():
        arn = sm.create_compilation_job(
            CompilationJobName="sc-neo", RoleArn=ROLE, VpcConfig=VPC,
            InputConfig={"S3Uri": "s3://b/m.tar.gz", "Framework": "PYTORCH", "DataInputConfig": "{}"},
            OutputConfig={"S3OutputLocation": "s3://b/o", "TargetDevice": "ml_m5"},
            StoppingCondition={"MaxRuntimeInSeconds": 60})["CompilationJobArn"]
        d = sm.describe_compilation_job(CompilationJobName="sc-neo")
        assert d["CompilationJobStatus"] == "INPROGRESS" and d["VpcConfig"] == VPC and "CompilationEndTime" not in d, d
        assert len(sm.list_compilation_jobs(StatusEquals="INPROGRESS")["CompilationJobSummaries"]) == 1
        sm.stop_compilation_job(CompilationJobName="sc-neo")
        assert sm.describe_compilation_job(CompilationJobName="sc-neo")["CompilationJobStatus"] == "STOPPED"
        expect_error(lambda: sm.stop_compilation_job(CompilationJobName="sc-neo"), "ValidationException",
                     "The request was rejected because the compilation job is in status STOPPED.")
        expect_error(lambda: sm.stop_compilation_job(CompilationJobName="sc-none"), "ResourceNotFound")
        tags_work(arn)

    @check("(i5) monitoring schedule: create (inline or named definition), describe, list, update, stop, delete, tags")
    def _():
        inline = {"ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
                  "MonitoringJobDefinition": {
                      "MonitoringInputs": [{"EndpointInput": {"EndpointName": "e", "LocalPath": "/opt/ml/processing/input"}}],
                      "MonitoringOutputConfig": {"MonitoringOutputs": [{"S3Output": {"S3Uri": "s3://b/o", "LocalPath": "/opt/ml/processing/output"}}]},
                      "MonitoringResources": {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 10}},
                      "MonitoringAppSpecification": {"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/monitor:1"},
                      "RoleArn": ROLE}}
        arn = sm.create_monitoring_schedule(MonitoringScheduleName="sc-mon", MonitoringScheduleConfig=inline)["MonitoringScheduleArn"]
        assert arn == arn_of("monitoring-schedule", "sc-mon")
        d = sm.describe_monitoring_schedule(MonitoringScheduleName="sc-mon")
        assert d["MonitoringScheduleStatus"] == "Pending" and "NetworkConfig" not in d["MonitoringScheduleConfig"]["MonitoringJobDefinition"], d
        named = {"ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
                 "MonitoringJobDefinitionName": "sc-dq", "MonitoringType": "DataQuality"}
        sm.update_monitoring_schedule(MonitoringScheduleName="sc-mon", MonitoringScheduleConfig=named)
        d = sm.describe_monitoring_schedule(MonitoringScheduleName="sc-mon")
        assert d["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"] == "sc-dq" and d["MonitoringType"] == "DataQuality", d
        status_of("monitoring-schedule", "sc-mon", "Scheduled")
        summaries = sm.list_monitoring_schedules(StatusEquals="Scheduled")["MonitoringScheduleSummaries"]
        assert [s["MonitoringScheduleName"] for s in summaries] == ["sc-mon"], summaries
        sm.stop_monitoring_schedule(MonitoringScheduleName="sc-mon")
        assert sm.describe_monitoring_schedule(MonitoringScheduleName="sc-mon")["MonitoringScheduleStatus"] == "Stopped"
        expect_error(lambda: sm.stop_monitoring_schedule(MonitoringScheduleName="sc-mon"), "ValidationException",
                     "The request was rejected because the monitoring schedule is in status Stopped.")
        tags_work(arn)
        sm.delete_monitoring_schedule(MonitoringScheduleName="sc-mon")
        expect_error(lambda: sm.describe_monitoring_schedule(MonitoringScheduleName="sc-mon"), "ResourceNotFound")
        expect_error(lambda: sm.list_tags(ResourceArn=arn), "ValidationException", "Requested resource not found.")

    @check("(i5) AutoML V1 and V2: create without ProblemType, describe (V2 describes both), list, stop")
    def _():
        v2 = sm.create_auto_ml_job_v2(
            AutoMLJobName="sc-aml2", RoleArn=ROLE, OutputDataConfig={"S3OutputPath": "s3://b/o"},
            AutoMLJobInputDataConfig=[{"ChannelType": "training", "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/d"}}}],
            AutoMLProblemTypeConfig={"TabularJobConfig": {"TargetAttributeName": "y"}},
            SecurityConfig={"VpcConfig": VPC})["AutoMLJobArn"]
        sm.create_auto_ml_job(
            AutoMLJobName="sc-aml1", RoleArn=ROLE, OutputDataConfig={"S3OutputPath": "s3://b/o"},
            InputDataConfig=[{"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/d"}}, "TargetAttributeName": "y"}],
            AutoMLJobConfig={"SecurityConfig": {"EnableInterContainerTrafficEncryption": True}})
        d2 = sm.describe_auto_ml_job_v2(AutoMLJobName="sc-aml2")
        assert d2["AutoMLJobStatus"] == "InProgress" and d2["SecurityConfig"] == {"VpcConfig": VPC}, d2
        d1 = sm.describe_auto_ml_job(AutoMLJobName="sc-aml1")
        assert d1["AutoMLJobConfig"]["SecurityConfig"] == {"EnableInterContainerTrafficEncryption": True}, d1
        assert sm.describe_auto_ml_job_v2(AutoMLJobName="sc-aml1")["SecurityConfig"] == {"EnableInterContainerTrafficEncryption": True}
        expect_error(lambda: sm.describe_auto_ml_job(AutoMLJobName="sc-aml2"), "ValidationException")
        names = {s["AutoMLJobName"] for s in sm.list_auto_ml_jobs(StatusEquals="InProgress")["AutoMLJobSummaries"]}
        assert names == {"sc-aml1", "sc-aml2"}, names
        sm.stop_auto_ml_job(AutoMLJobName="sc-aml2")
        assert sm.describe_auto_ml_job_v2(AutoMLJobName="sc-aml2")["AutoMLJobStatus"] == "Stopped"
        expect_error(lambda: sm.stop_auto_ml_job(AutoMLJobName="sc-aml2"), "ValidationException",
                     "The request was rejected because the AutoML job is in status Stopped.")
        expect_error(lambda: sm.describe_auto_ml_job_v2(AutoMLJobName="sc-none"), "ResourceNotFound")
        tags_work(v2)

    @check("(i5) optimization and inference-recommendations jobs: create, describe, list, stop, status control")
    def _():
        o = sm.create_optimization_job(
            OptimizationJobName="sc-opt", RoleArn=ROLE, ModelSource={"S3": {"S3Uri": "s3://b/m"}},
            DeploymentInstanceType="ml.g5.xlarge", OptimizationConfigs=[{"ModelQuantizationConfig": {"Image": "x"}}],
            OutputConfig={"S3OutputLocation": "s3://b/o"}, StoppingCondition={"MaxRuntimeInSeconds": 60})["OptimizationJobArn"]
        d = sm.describe_optimization_job(OptimizationJobName="sc-opt")
        assert d["OptimizationJobStatus"] == "INPROGRESS" and "VpcConfig" not in d, d
        r = sm.create_inference_recommendations_job(JobName="sc-ir", JobType="Default", RoleArn=ROLE,
                                                     InputConfig={"ModelName": "m", "VpcConfig": VPC})["JobArn"]
        d = sm.describe_inference_recommendations_job(JobName="sc-ir")
        assert d["Status"] == "IN_PROGRESS" and d["InputConfig"]["VpcConfig"] == VPC, d
        assert [j["JobName"] for j in sm.list_inference_recommendations_jobs(StatusEquals="IN_PROGRESS")["InferenceRecommendationsJobs"]] == ["sc-ir"]
        assert [j["OptimizationJobName"] for j in sm.list_optimization_jobs(StatusEquals="INPROGRESS")["OptimizationJobSummaries"]] == ["sc-opt"]
        sm.stop_optimization_job(OptimizationJobName="sc-opt")
        sm.stop_inference_recommendations_job(JobName="sc-ir")
        assert sm.describe_optimization_job(OptimizationJobName="sc-opt")["OptimizationJobStatus"] == "STOPPED"
        assert sm.describe_inference_recommendations_job(JobName="sc-ir")["Status"] == "STOPPED"
        expect_error(lambda: sm.stop_optimization_job(OptimizationJobName="sc-opt"), "ValidationException")
        status_of("inference-recommendations-job", "sc-ir", "IN_PROGRESS")
        sm.stop_inference_recommendations_job(JobName="sc-ir")
        tags_work(o)
        tags_work(r)

    @check("(i5) labeling jobs: create Initializing, describe echoes the resource config's VPC, list, stop")
    def _():
        arn = sm.create_labeling_job(
            LabelingJobName="sc-label", LabelAttributeName="label", RoleArn=ROLE,
            InputConfig={"DataSource": {"S3DataSource": {"ManifestS3Uri": "s3://b/manifest.jsonl"}}},
            OutputConfig={"S3OutputPath": "s3://b/out/"},
            LabelingJobAlgorithmsConfig={
                "LabelingJobAlgorithmSpecificationArn": "arn:aws:sagemaker:us-east-1:027400017018:labeling-job-algorithm-specification/image-classification",
                "LabelingJobResourceConfig": {"VpcConfig": VPC}},
            HumanTaskConfig={"WorkteamArn": "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/t",
                             "UiConfig": {"UiTemplateS3Uri": "s3://b/t.liquid"},
                             "PreHumanTaskLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:PRE-ImageMultiClass",
                             "TaskTitle": "t", "TaskDescription": "d", "NumberOfHumanWorkersPerDataObject": 1,
                             "TaskTimeLimitInSeconds": 300,
                             "AnnotationConsolidationConfig": {"AnnotationConsolidationLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:ACS-ImageMultiClass"}},
        )["LabelingJobArn"]
        assert arn.endswith(":labeling-job/sc-label"), arn
        d = sm.describe_labeling_job(LabelingJobName="sc-label")
        assert d["LabelingJobStatus"] == "Initializing", d
        assert d["LabelingJobAlgorithmsConfig"]["LabelingJobResourceConfig"]["VpcConfig"] == VPC, d
        assert "Tags" not in d and d["LabelCounters"]["TotalLabeled"] == 0, d
        status_of("labeling-job", "sc-label", "InProgress")
        listed = sm.list_labeling_jobs(StatusEquals="InProgress")["LabelingJobSummaryList"]
        assert [j["LabelingJobName"] for j in listed] == ["sc-label"] and listed[0]["WorkteamArn"], listed
        sm.stop_labeling_job(LabelingJobName="sc-label")
        assert sm.describe_labeling_job(LabelingJobName="sc-label")["LabelingJobStatus"] == "Stopped"
        expect_error(lambda: sm.stop_labeling_job(LabelingJobName="sc-label"), "ValidationException",
                     "The request was rejected because the labeling job is in status Stopped.")
        expect_error(lambda: sm.describe_labeling_job(LabelingJobName="sc-none"), "ResourceNotFound")
        tags_work(arn)

    @check("(i) monitoring job definitions (moto's own): describe echoes NetworkConfig; missing -> ResourceNotFound")
    def _():
        common = dict(JobResources={"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 10}},
                      RoleArn=ROLE)
        out = {"MonitoringOutputs": [{"S3Output": {"S3Uri": "s3://b/o", "LocalPath": "/opt/o"}}]}
        endpoint = {"EndpointInput": {"EndpointName": "e", "LocalPath": "/opt/i"}}
        net = {"EnableNetworkIsolation": True, "EnableInterContainerTrafficEncryption": True, "VpcConfig": VPC}
        sm.create_data_quality_job_definition(JobDefinitionName="sc-dq", DataQualityAppSpecification={"ImageUri": "x"},
                                              DataQualityJobInput=endpoint, DataQualityJobOutputConfig=out, NetworkConfig=net, **common)
        sm.create_model_quality_job_definition(JobDefinitionName="sc-mq", ModelQualityAppSpecification={"ImageUri": "x"},
                                               ModelQualityJobInput={**endpoint, "GroundTruthS3Input": {"S3Uri": "s3://b/g"}},
                                               ModelQualityJobOutputConfig=out, **common)
        sm.create_model_bias_job_definition(JobDefinitionName="sc-mb", ModelBiasAppSpecification={"ImageUri": "x", "ConfigUri": "s3://b/c"},
                                            ModelBiasJobInput={**endpoint, "GroundTruthS3Input": {"S3Uri": "s3://b/g"}},
                                            ModelBiasJobOutputConfig=out, NetworkConfig=net, **common)
        sm.create_model_explainability_job_definition(JobDefinitionName="sc-me", ModelExplainabilityAppSpecification={"ImageUri": "x", "ConfigUri": "s3://b/c"},
                                                      ModelExplainabilityJobInput=endpoint, ModelExplainabilityJobOutputConfig=out, **common)
        assert sm.describe_data_quality_job_definition(JobDefinitionName="sc-dq")["NetworkConfig"] == net
        assert sm.describe_model_bias_job_definition(JobDefinitionName="sc-mb")["NetworkConfig"] == net
        assert "NetworkConfig" not in sm.describe_model_quality_job_definition(JobDefinitionName="sc-mq")
        assert "NetworkConfig" not in sm.describe_model_explainability_job_definition(JobDefinitionName="sc-me")
        sm.delete_model_quality_job_definition(JobDefinitionName="sc-mq")
        expect_error(lambda: sm.describe_model_quality_job_definition(JobDefinitionName="sc-mq"), "ResourceNotFound")
        expect_error(lambda: sm.delete_model_quality_job_definition(JobDefinitionName="sc-mq"), "ResourceNotFound")
        tags_work(arn_of("data-quality-job-definition", "sc-dq"))

    @check("(f) job-status control: set, validate, 404")
    def _():
        processing_job("pj-f")
        status, body = control("POST", "/guard-api/job-status",
                               {"type": "processing-job", "name": "pj-f", "status": "Failed"})
        assert status == 200 and body["status"] == "Failed", body
        assert sm.describe_processing_job(ProcessingJobName="pj-f")["ProcessingJobStatus"] == "Failed"
        status, _ = control("POST", "/guard-api/job-status",
                            {"type": "training-job", "name": "ghost", "status": "Completed"})
        assert status == 404
        status, _ = control("POST", "/guard-api/job-status", {"type": "bogus", "name": "x", "status": "y"})
        assert status == 400

    @check("(f) throttle fault on SageMaker (JSON) then normal again")
    def _():
        training_job("tj-f")
        status, _ = control("POST", "/guard-api/faults",
                            {"operation": "StopTrainingJob", "kind": "throttle", "count": 2})
        assert status == 200
        for _i in range(2):
            expect_error(lambda: sm.stop_training_job(TrainingJobName="tj-f"), "ThrottlingException",
                         "Rate exceeded", 400)
        # a different operation is not affected
        sm.describe_training_job(TrainingJobName="tj-f")
        sm.stop_training_job(TrainingJobName="tj-f")
        assert sm.describe_training_job(TrainingJobName="tj-f")["TrainingJobStatus"] == "Stopped"

    @check("(f) error fault -> HTTP 500 InternalFailure (JSON); wildcard operation")
    def _():
        control("POST", "/guard-api/faults", {"operation": "*", "service": "sagemaker", "kind": "error", "count": 1})
        sns.list_topics()  # other service unaffected
        expect_error(lambda: sm.list_models(), "InternalFailure", status=500)
        sm.list_models()

    @check("(f) SNS (awsQuery) throttle -> XML Throttling 400; error -> 500 InternalFailure")
    def _():
        arn = sns.create_topic(Name="guard-alerts")["TopicArn"]
        control("POST", "/guard-api/faults", {"operation": "Publish", "service": "sns", "kind": "throttle"})
        expect_error(lambda: sns.publish(TopicArn=arn, Message="hi"), "Throttling", "Rate exceeded", 400)
        control("POST", "/guard-api/faults", {"operation": "Publish", "kind": "error"})
        expect_error(lambda: sns.publish(TopicArn=arn, Message="hi"), "InternalFailure", status=500)
        assert "MessageId" in sns.publish(TopicArn=arn, Message="hi")

    @check("(f) SQS (JSON protocol) throttle is matched by X-Amz-Target operation")
    def _():
        url = sqs.create_queue(QueueName="guard-q")["QueueUrl"]
        control("POST", "/guard-api/faults", {"operation": "ReceiveMessage", "service": "sqs", "kind": "throttle"})
        e = expect_error(lambda: sqs.receive_message(QueueUrl=url), "ThrottlingException", status=400)
        assert e
        sqs.receive_message(QueueUrl=url)

    @check("(f) delay fault; DELETE /guard-api/faults clears")
    def _():
        control("POST", "/guard-api/faults", {"operation": "ListModels", "kind": "delay", "delayMs": 600, "count": 1})
        t0 = time.time()
        sm.list_models()
        assert time.time() - t0 >= 0.55, time.time() - t0
        t0 = time.time()
        sm.list_models()
        assert time.time() - t0 < 0.5
        control("POST", "/guard-api/faults", {"operation": "*", "kind": "error", "count": 100})
        status, body = control("DELETE", "/guard-api/faults")
        assert status == 200
        sm.list_models()

    @check("(h') LookupEvents answers each account from its own event history (an assumed role's calls are its account's)")
    def _():
        member = "210987654321"
        creds = boto3.client("sts", **kw).assume_role(
            RoleArn=f"arn:aws:iam::{member}:role/DataScientist", RoleSessionName="selfcheck")["Credentials"]
        mkw = {**kw, "aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
               "aws_session_token": creds["SessionToken"]}
        status, who = control("POST", "/guard-api/identities", {
            "accessKeyId": creds["AccessKeyId"], "arn": f"arn:aws:sts::{member}:assumed-role/DataScientist/ana"})
        assert status == 200 and who["accountId"] == member, who
        msm = boto3.client("sagemaker", **mkw)
        msm.create_training_job(
            TrainingJobName="ct-member-job", RoleArn=ROLE,
            AlgorithmSpecification={"TrainingImage": "img:1", "TrainingInputMode": "File"},
            OutputDataConfig={"S3OutputPath": "s3://b/out"},
            ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 5},
            StoppingCondition={"MaxRuntimeInSeconds": 60})
        training_job("ct-central-job")
        attr = lambda name: [{"AttributeKey": "ResourceName", "AttributeValue": name}]  # noqa: E731
        mine = boto3.client("cloudtrail", **mkw).lookup_events(LookupAttributes=attr("ct-member-job"))["Events"]
        assert [e["EventName"] for e in mine] == ["CreateTrainingJob"], mine
        record = json.loads(mine[0]["CloudTrailEvent"])
        assert record["recipientAccountId"] == member, record
        assert record["userIdentity"]["arn"] == f"arn:aws:sts::{member}:assumed-role/DataScientist/ana", record
        central = boto3.client("cloudtrail", **kw)
        assert central.lookup_events(LookupAttributes=attr("ct-member-job"))["Events"] == []
        assert boto3.client("cloudtrail", **mkw).lookup_events(LookupAttributes=attr("ct-central-job"))["Events"] == []
        ours = central.lookup_events(LookupAttributes=attr("ct-central-job"))["Events"]
        assert json.loads(ours[0]["CloudTrailEvent"])["recipientAccountId"] == "123456789012", ours
        # Seeded records name their account (default: moto's).
        status, seeded = control("POST", "/guard-api/cloudtrail-events", {"events": [
            {"eventName": "CreateModel", "resourceName": "ct-seeded", "accountId": member}]})
        assert status == 200 and seeded["events"][0]["recipientAccountId"] == member, seeded
        assert central.lookup_events(LookupAttributes=attr("ct-seeded"))["Events"] == []
        assert len(boto3.client("cloudtrail", **mkw).lookup_events(LookupAttributes=attr("ct-seeded"))["Events"]) == 1

    @check("(f) call counts and times; DELETE /guard-api/calls and /moto-api/reset clear them")
    def _():
        status, _ = control("DELETE", "/guard-api/calls")
        assert status == 200
        sm.list_models()
        sm.list_models()
        sns.list_topics()
        status, calls = control("GET", "/guard-api/calls")
        assert status == 200 and calls == {"sagemaker:ListModels": 2, "sns:ListTopics": 1}, calls
        before = time.time()
        sm.list_models()
        status, times = control("GET", "/guard-api/call-times")
        assert status == 200 and set(times) == {"sagemaker:ListModels", "sns:ListTopics"}, times
        assert before - 0.5 <= times["sagemaker:ListModels"] <= time.time() + 0.5, (before, times)
        assert times["sns:ListTopics"] <= times["sagemaker:ListModels"], times
        control("POST", "/guard-api/faults", {"operation": "*", "kind": "error", "count": 5})
        control("POST", "/moto-api/reset")
        assert control("GET", "/guard-api/calls")[1] == {}
        assert control("GET", "/guard-api/call-times")[1] == {}
        assert sm.list_models()["Models"] == []  # fault cleared and moto state reset

    print(f"{results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
