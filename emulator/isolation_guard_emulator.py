#!/usr/bin/env python3
"""Local AWS emulator for SageMaker Isolation Guard.

= the preinstalled moto 5.2.1 server + a small gap-fill for the SageMaker behaviour
the project depends on + a test-control API under /guard-api/ (fault injection,
job-status changes, call counts). See emulator/README.md.

    python3 emulator/isolation_guard_emulator.py --port 5123 [--host 127.0.0.1]

Prints "isolation-guard emulator listening on http://HOST:PORT" once ready;
exits 0 on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import re
import signal
import sys
import threading
import time
import uuid
from typing import Any, Callable
from urllib.parse import parse_qs

try:
    import moto  # noqa: F401
except ImportError:
    sys.stderr.write(
        "moto is not installed for python3 (%s); it is preinstalled on the project "
        "machines (moto 5.2.1 with server extras). PyPI is not reachable here, so do not "
        "try to pip install it: run this script with the machine's python3.\n"
        % sys.executable
    )
    sys.exit(2)

from moto.core.responses import ActionResult, EmptyResult
from moto.sagemaker import models as sm_models
from moto.sagemaker.exceptions import MissingModel, ResourceInUseException, ResourceNotFound, ValidationError
from moto.sagemaker.models import sagemaker_backends
from moto.sagemaker.responses import SageMakerResponse

# --------------------------------------------------------------------------------------
# SageMaker gap-fills (moto 5.2.1)
# --------------------------------------------------------------------------------------

# job type -> (moto class, backend dict attribute, status attribute, end-time attribute,
#              request name parameter, wording used in AWS's "not InProgress" message)
JOB_TYPES: dict[str, tuple[Any, str, str, str, str, str]] = {
    "training-job": (sm_models.FakeTrainingJob, "training_jobs", "training_job_status",
                     "training_end_time", "TrainingJobName", "training job"),
    "hyper-parameter-tuning-job": (sm_models.HyperParameterTuningJob, "hyper_parameter_tuning_jobs",
                                   "hyper_parameter_tuning_job_status",
                                   "hyper_parameter_tuning_end_time",
                                   "HyperParameterTuningJobName", "hyperparameter tuning job"),
    "processing-job": (sm_models.FakeProcessingJob, "processing_jobs", "processing_job_status",
                       "processing_end_time", "ProcessingJobName", "processing job"),
    "transform-job": (sm_models.FakeTransformJob, "transform_jobs", "transform_job_status",
                      "transform_end_time", "TransformJobName", "transform job"),
}
TERMINAL = {"Completed", "Failed", "Stopped"}
SECONDARY_FOR = {"InProgress": "Training", "Completed": "Completed", "Failed": "Failed",
                 "Stopping": "Stopping", "Stopped": "Stopped"}


def set_job_status(job: Any, job_type: str, status: str) -> None:
    """Set a job's status (and the fields real AWS keeps consistent with it)."""
    _, _, status_attr, end_attr, _, _ = JOB_TYPES[job_type]
    setattr(job, status_attr, status)
    now = sm_models.utcnow()
    job.last_modified_time = now
    setattr(job, end_attr, now if status in TERMINAL else None)
    if job_type == "training-job":
        job.secondary_status = SECONDARY_FOR.get(status, status)
        if status != "InProgress" and getattr(job, "training_start_time", None) is None:
            job.training_start_time = now


# (a) moto hard-codes every new job to "Completed" (with end times set). Real jobs start
#     InProgress (training: SecondaryStatus "Starting", no start/end time yet), which is
#     the state the guard must act on.
def _start_in_progress(job_type: str) -> None:
    cls = JOB_TYPES[job_type][0]
    original_init = cls.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        set_job_status(self, job_type, "InProgress")
        if job_type == "training-job":
            self.secondary_status = "Starting"
            self.training_start_time = None
        elif job_type == "hyper-parameter-tuning-job":
            self.training_job_status_counters = {
                "Completed": 0, "InProgress": 0, "RetryableError": 0,
                "NonRetryableError": 0, "Stopped": 0}
            self.objective_status_counters = {"Succeeded": 0, "Pending": 0, "Failed": 0}
            self.best_training_job = None
            self.OverallBestTrainingJob = None
            self.tuning_job_completion_details = None
        # moto passes Tags=None straight through for tuning and transform jobs, which
        # later crashes AddTags/ListTags (see (d)).
        if getattr(self, "tags", None) is None:
            self.tags = []

    cls.__init__ = __init__


for _job_type in JOB_TYPES:
    _start_in_progress(_job_type)


# (b) moto has no StopTrainingJob / StopHyperParameterTuningJob / StopProcessingJob /
#     StopTransformJob (HTML 500 -> the JS SDK fails with "Unexpected token '<'").
#     Real AWS: InProgress job -> Stopping -> Stopped, 200 {}; a job in any other status
#     -> ValidationException "The request was rejected because the <kind> is in status X."
#     (wording verified for training jobs; the other kinds follow the same pattern);
#     unknown job -> ValidationException "Requested resource not found." (what real AWS
#     answers for missing jobs, although botocore declares ResourceNotFound).
#     We go straight to Stopped (DescribeX right after Stop sees Stopped).
def _make_stop(job_type: str) -> Callable[[SageMakerResponse], Any]:
    _, attr, status_attr, _, param, wording = JOB_TYPES[job_type]

    def stop(self: SageMakerResponse) -> Any:
        job = getattr(self.sagemaker_backend, attr).get(self._get_param(param))
        if job is None:
            raise ValidationError(message="Requested resource not found.")
        status = getattr(job, status_attr)
        if status != "InProgress":
            raise ValidationError(
                message=f"The request was rejected because the {wording} is in status {status}.")
        # (Real AWS also stops a tuning job's running training jobs; moto launches none.)
        set_job_status(job, job_type, "Stopped")
        return EmptyResult()

    return stop


SageMakerResponse.stop_training_job = _make_stop("training-job")
SageMakerResponse.stop_hyper_parameter_tuning_job = _make_stop("hyper-parameter-tuning-job")
SageMakerResponse.stop_processing_job = _make_stop("processing-job")
SageMakerResponse.stop_transform_job = _make_stop("transform-job")


# (c) moto's CreateModel ignores EnableNetworkIsolation (DescribeModel always says false),
#     echoes an empty VpcConfig {} / Containers [] when they were not given (real AWS omits
#     them), and words the not-found error with single quotes. Real AWS:
#     ValidationException 'Could not find model "arn:aws:sagemaker:...:model/NAME".'
_orig_create_model = SageMakerResponse.create_model


def _create_model(self: SageMakerResponse) -> Any:
    result = _orig_create_model(self)
    model = self.sagemaker_backend._models[self._get_param("ModelName")]
    model.enable_network_isolation = bool(self._get_param("EnableNetworkIsolation", False))
    model.vpc_config = self._get_param("VpcConfig") or None
    model.containers = self._get_param("Containers") or None
    model.primary_container = self._get_param("PrimaryContainer") or None
    return result


def _describe_model(self: Any, model_name: str) -> Any:
    model = self._models.get(model_name)
    if model is None:
        raise MissingModel(sm_models.arn_formatter("model", model_name, self.account_id, self.region_name))
    return model


SageMakerResponse.create_model = _create_model
sm_models.SageMakerModelBackend.describe_model = _describe_model

# DescribeTrainingJob on a missing job: real AWS says ValidationException
# "Requested resource not found." (moto: "Could not find training job '<arn>'.").
_orig_describe_training_job = sm_models.SageMakerModelBackend.describe_training_job


def _describe_training_job(self: Any, training_job_name: str) -> Any:
    if training_job_name not in self.training_jobs:
        raise ValidationError(message="Requested resource not found.")
    return _orig_describe_training_job(self, training_job_name)


sm_models.SageMakerModelBackend.describe_training_job = _describe_training_job


# (d) moto's AddTags/ListTags/DeleteTags crash (HTTP 500) when the resource was created
#     without Tags (tuning and transform jobs keep tags=None) or when the ARN names a
#     resource that does not exist (.get() -> None -> AttributeError).
_orig_get_resource_from_arn = sm_models.SageMakerModelBackend._get_resource_from_arn


def _get_resource_from_arn(self: Any, arn: str) -> Any:
    if ":inference-component/" in arn:
        resource = getattr(self, "inference_components", {}).get(arn.rsplit("/", 1)[-1])
        if resource is None:
            raise ValidationError(message="Requested resource not found.")
        return resource
    segment = arn.split(":")[-1].split("/", 1)[0]
    if segment in GAP_KINDS:  # (i5): kept in the gap-fill's own stores
        resource = _gap_store(self, segment).get(arn.rsplit("/", 1)[-1])
        if resource is None:
            raise ValidationError(message="Requested resource not found.")
        return resource
    try:
        resource = _orig_get_resource_from_arn(self, arn)
    except (ValueError, AttributeError):  # malformed ARN or unsupported resource type
        resource = None
    if resource is None:
        raise ValidationError(message="Requested resource not found.")
    if getattr(resource, "tags", None) is None:
        resource.tags = []
    return resource


sm_models.SageMakerModelBackend._get_resource_from_arn = _get_resource_from_arn


# (d') moto's AddTags appends, so a key tagged twice is listed twice; AWS overwrites its value.
def _add_tags(self: Any, arn: str, tags: list[dict[str, str]]) -> list[dict[str, str]]:
    resource = self._get_resource_from_arn(arn)
    keys = {t["Key"] for t in tags}
    resource.tags = [t for t in resource.tags if t["Key"] not in keys] + list(tags)
    return resource.tags


sm_models.SageMakerModelBackend.add_tags = _add_tags


# (e) Endpoints: moto creates them directly "InService"; real AWS starts at "Creating"
#     (use /guard-api/job-status with type "endpoint" to move it on). moto also drops
#     CreateEndpointConfig's EnableNetworkIsolation / VpcConfig / ExecutionRoleArn, which
#     DescribeEndpointConfig must echo.
_orig_endpoint_init = sm_models.FakeEndpoint.__init__


def _endpoint_init(self: Any, *args: Any, **kwargs: Any) -> None:
    _orig_endpoint_init(self, *args, **kwargs)
    self.endpoint_status = "Creating"


sm_models.FakeEndpoint.__init__ = _endpoint_init
_orig_create_endpoint_config = SageMakerResponse.create_endpoint_config


def _create_endpoint_config(self: SageMakerResponse) -> Any:
    result = _orig_create_endpoint_config(self)
    config = self.sagemaker_backend.endpoint_configs[self._get_param("EndpointConfigName")]
    for attr, param in (("enable_network_isolation", "EnableNetworkIsolation"),
                        ("vpc_config", "VpcConfig"), ("execution_role_arn", "ExecutionRoleArn")):
        setattr(config, attr, self._get_param(param))
    return result


SageMakerResponse.create_endpoint_config = _create_endpoint_config

# (e'') A production variant with no ModelName is valid on AWS (an endpoint that hosts inference
#       components); moto's validation indexes variant["ModelName"] and answers HTTP 500.
_orig_validate_variants = sm_models.SageMakerModelBackend.validate_production_variants


def _validate_production_variants(self: Any, production_variants: list[dict[str, Any]]) -> None:
    _orig_validate_variants(self, [v for v in production_variants if v.get("ModelName")])


sm_models.SageMakerModelBackend.validate_production_variants = _validate_production_variants

# (e') Real SageMaker refuses DeleteEndpoint while an endpoint is Creating or Updating
#      (ValidationException); moto deletes it at once. Opt-in (POST /guard-api/settings
#      {"refuseDeleteWhileCreating": true}) so scripts written against plain moto keep working.
SETTINGS: dict[str, Any] = {"refuseDeleteWhileCreating": False}
_orig_delete_endpoint = sm_models.SageMakerModelBackend.delete_endpoint


def _delete_endpoint(self: Any, endpoint_name: str) -> Any:
    endpoint = self.endpoints.get(endpoint_name)
    busy = ("Creating", "Updating", "SystemUpdating")
    if SETTINGS["refuseDeleteWhileCreating"] and endpoint is not None and endpoint.endpoint_status in busy:
        raise ValidationError(message=f'Cannot delete in-progress endpoint "{endpoint.arn}".')
    return _orig_delete_endpoint(self, endpoint_name)


sm_models.SageMakerModelBackend.delete_endpoint = _delete_endpoint


# (g) Inference components (moto 5.2.1 has none): Create / Describe / List / Delete, tags, and a
#     status moved on with /guard-api/job-status {"type": "inference-component", ...}. As on AWS:
#     the endpoint must exist, the component starts "Creating", List* pages with NextToken and
#     filters on StatusEquals / EndpointNameEquals / NameContains / CreationTimeAfter|Before, and a
#     missing component is a ValidationException 'Could not find inference component "<arn>".'
def _described_specification(specification: dict | None) -> dict:
    """A Specification as Describe answers it: a container's Image comes back as DeployedImage."""
    spec = dict(specification or {})
    container = spec.get("Container")
    if isinstance(container, dict) and "Image" in container:
        container = {k: v for k, v in container.items() if k != "Image"}
        container["DeployedImage"] = {"SpecifiedImage": spec["Container"]["Image"]}
        spec["Container"] = container
    return spec


class FakeInferenceComponent:
    def __init__(self, backend: Any, name: str, endpoint: Any, variant_name: str,
                 specification: dict, runtime_config: dict, tags: list[dict[str, str]],
                 specifications: list[dict] | None = None) -> None:
        self.inference_component_name = name
        self.arn = sm_models.arn_formatter("inference-component", name, backend.account_id, backend.region_name)
        self.endpoint_name = endpoint.endpoint_name
        self.endpoint_arn = endpoint.arn
        self.variant_name = variant_name
        self.specification = _described_specification(specification) if specification else None
        # Up to five Specifications[] (CreateInferenceComponent), echoed like Specification.
        self.specifications = [_described_specification(x) for x in specifications] if specifications else None
        copies = (runtime_config or {}).get("CopyCount", 1)
        self.runtime_config = {"DesiredCopyCount": copies, "CurrentCopyCount": copies}
        self.tags = tags or []
        self.status = "Creating"
        self.creation_time = self.last_modified_time = sm_models.utcnow()

    def summary(self) -> dict[str, Any]:
        return {"CreationTime": self.creation_time, "InferenceComponentArn": self.arn,
                "InferenceComponentName": self.inference_component_name, "EndpointArn": self.endpoint_arn,
                "EndpointName": self.endpoint_name, "VariantName": self.variant_name,
                "InferenceComponentStatus": self.status, "LastModifiedTime": self.last_modified_time}

    def describe(self) -> dict[str, Any]:
        out = {**self.summary(), "RuntimeConfig": self.runtime_config}
        if self.specification is not None:
            out["Specification"] = self.specification
        if self.specifications is not None:
            out["Specifications"] = self.specifications
        return out


def _components(backend: Any) -> dict[str, FakeInferenceComponent]:
    if not hasattr(backend, "inference_components"):
        backend.inference_components = {}
    return backend.inference_components


def _component(backend: Any, name: str) -> FakeInferenceComponent:
    ic = _components(backend).get(name)
    if ic is None:
        arn = sm_models.arn_formatter("inference-component", name, backend.account_id, backend.region_name)
        raise ValidationError(message=f'Could not find inference component "{arn}".')
    return ic


def _create_inference_component(self: SageMakerResponse) -> Any:
    backend = self.sagemaker_backend
    name = self._get_param("InferenceComponentName")
    endpoint = backend.endpoints.get(self._get_param("EndpointName"))
    if endpoint is None:
        raise ValidationError(message=f'Could not find endpoint "{self._get_param("EndpointName")}".')
    if name in _components(backend):
        raise ValidationError(message=f'Cannot create already existing inference component "{_component(backend, name).arn}".')
    specification, specifications = self._get_param("Specification"), self._get_param("Specifications")
    if bool(specification) == bool(specifications):
        raise ValidationError(message="Exactly one of Specification or Specifications must be provided.")
    if specifications and not 1 <= len(specifications) <= 5:
        raise ValidationError(message="Specifications must hold between 1 and 5 items.")
    ic = FakeInferenceComponent(backend, name, endpoint, self._get_param("VariantName"),
                                specification, self._get_param("RuntimeConfig"),
                                self._get_param("Tags"), specifications)
    _components(backend)[name] = ic
    return ActionResult({"InferenceComponentArn": ic.arn})


def _describe_inference_component(self: SageMakerResponse) -> Any:
    return ActionResult(_component(self.sagemaker_backend, self._get_param("InferenceComponentName")).describe())


def _delete_inference_component(self: SageMakerResponse) -> Any:
    ic = _component(self.sagemaker_backend, self._get_param("InferenceComponentName"))
    del _components(self.sagemaker_backend)[ic.inference_component_name]
    return EmptyResult()


def _list_inference_components(self: SageMakerResponse) -> Any:
    status, endpoint = self._get_param("StatusEquals"), self._get_param("EndpointNameEquals")
    contains = (self._get_param("NameContains") or "").lower()
    after, before = self._get_param("CreationTimeAfter"), self._get_param("CreationTimeBefore")

    def when(v: Any) -> float | None:  # moto hands timestamps over parsed; naive ones are UTC
        if v is None:
            return None
        if isinstance(v, datetime.datetime):
            return (v if v.tzinfo else v.replace(tzinfo=datetime.timezone.utc)).timestamp()
        return float(v)

    items = [ic for ic in sorted(_components(self.sagemaker_backend).values(),
                                 key=lambda c: c.creation_time, reverse=True)
             if (not status or ic.status == status)
             and (not endpoint or ic.endpoint_name == endpoint)
             and contains in ic.inference_component_name.lower()
             and (when(after) is None or when(ic.creation_time) > when(after))
             and (when(before) is None or when(ic.creation_time) < when(before))]
    token = self._get_param("NextToken") or "0"
    if not str(token).isdigit():
        raise ValidationError(message="Invalid pagination token.")
    start = int(token)
    size = int(self._get_param("MaxResults") or 10)
    page = items[start:start + size]
    result: dict[str, Any] = {"InferenceComponents": [ic.summary() for ic in page]}
    if start + size < len(items):
        result["NextToken"] = str(start + size)
    return ActionResult(result)


SageMakerResponse.create_inference_component = _create_inference_component
SageMakerResponse.describe_inference_component = _describe_inference_component
SageMakerResponse.delete_inference_component = _delete_inference_component
SageMakerResponse.list_inference_components = _list_inference_components


# (h) Jobs SageMaker launches for a parent carry its ARN in Describe (TuningJobArn, AutoMLJobArn,
#     LabelingJobArn on training jobs; TrainingJobArn, AutoMLJobArn, MonitoringScheduleArn on
#     processing jobs; AutoMLJobArn, LabelingJobArn on transform jobs). No API sets them and moto
#     never launches such children, so POST /guard-api/job-parent records one on an existing job and
#     its Describe* then answers with it.
PARENT_KEYS: dict[str, tuple[str, ...]] = {
    "training-job": ("TuningJobArn", "AutoMLJobArn", "LabelingJobArn"),
    "processing-job": ("TrainingJobArn", "AutoMLJobArn", "MonitoringScheduleArn"),
    "transform-job": ("AutoMLJobArn", "LabelingJobArn"),
}


def _describe_with_parent(job_type: str, original: Callable) -> Callable:
    _, attr, _, _, param, _ = JOB_TYPES[job_type]

    def describe(self: SageMakerResponse) -> Any:
        result = original(self)
        job = getattr(self.sagemaker_backend, attr, {}).get(self._get_param(param))
        parents = getattr(job, "guard_parents", None)
        if parents and isinstance(result, ActionResult) and isinstance(result.result, dict):
            return ActionResult({**result.result, **parents})
        return result

    return describe


SageMakerResponse.describe_training_job = _describe_with_parent("training-job", SageMakerResponse.describe_training_job)
SageMakerResponse.describe_processing_job = _describe_with_parent("processing-job", SageMakerResponse.describe_processing_job)
SageMakerResponse.describe_transform_job = _describe_with_parent("transform-job", SageMakerResponse.describe_transform_job)


# (i) moto's AssumeRole succeeds for any role in any account (it maps the credentials to that
#     account's backend, which is what multi-account tests need). Real AWS refuses a role that does
#     not exist or does not trust the caller with AccessDenied: POST /guard-api/deny-assume-role
#     {"accounts": ["111122223333"]} makes AssumeRole into those accounts answer that way.
from moto.sts.exceptions import STSClientError
from moto.sts.models import STSBackend

DENIED_ASSUME_ROLE_ACCOUNTS: set[str] = set()
_orig_assume_role = STSBackend.assume_role


def _assume_role(self: Any, region_name: str, role_session_name: str, role_arn: str, *args: Any, **kwargs: Any) -> Any:
    account = role_arn.split(":")[4] if role_arn.count(":") >= 5 else ""
    if account in DENIED_ASSUME_ROLE_ACCOUNTS:
        raise STSClientError(
            "AccessDenied",
            f"User: arn:aws:iam::{self.account_id}:root is not authorized to perform: sts:AssumeRole on resource: {role_arn}")
    return _orig_assume_role(self, region_name, role_session_name, role_arn, *args, **kwargs)


STSBackend.assume_role = _assume_role


# --------------------------------------------------------------------------------------
# (i) The other compute surfaces (issue 14): notebooks, Studio domains, HyperPod clusters,
#     Model Monitor schedules, AutoML V1/V2, compilation, optimization and
#     inference-recommendations jobs.
# --------------------------------------------------------------------------------------

# (i1) Notebook instances: moto creates them directly InService and stops them from any status.
#      Real AWS creates them Pending (4-7 minutes to InService) and refuses Stop unless InService:
#      ValidationException "Status (Pending) not in ([InService]). Unable to transition to (Stopping)
#      for Notebook Instance (<arn>)." (wording from aws/amazon-sagemaker-examples#1094 and #1798).
_orig_notebook_init = sm_models.FakeSagemakerNotebookInstance.__init__


def _notebook_init(self: Any, *args: Any, **kwargs: Any) -> None:
    _orig_notebook_init(self, *args, **kwargs)
    self.status = "Pending"


def _notebook_stop(self: Any) -> None:
    if self.status != "InService":
        raise ValidationError(message=f"Status ({self.status}) not in ([InService]). Unable to transition to "
                                      f"(Stopping) for Notebook Instance ({self.arn}).")
    self.status = "Stopped"
    self.last_modified_time = sm_models.utcnow()


sm_models.FakeSagemakerNotebookInstance.__init__ = _notebook_init
sm_models.FakeSagemakerNotebookInstance.stop = _notebook_stop


# (i2) Studio domains: moto has no UpdateDomain (HTML 500). Fill it: the members given replace
#      the stored ones (DefaultUserSettings merged key by key, as AWS documents for updates).
def _update_domain(self: SageMakerResponse) -> Any:
    domain = _domain(self.sagemaker_backend, self._get_param("DomainId"))
    if self._get_param("AppNetworkAccessType"):
        domain.app_network_access_type = self._get_param("AppNetworkAccessType")
    if self._get_param("SubnetIds"):
        domain.subnet_ids = self._get_param("SubnetIds")
    if self._get_param("DefaultUserSettings"):
        domain.default_user_settings = {**(domain.default_user_settings or {}), **self._get_param("DefaultUserSettings")}
    if self._get_param("DefaultSpaceSettings"):
        domain.default_space_settings = {**(domain.default_space_settings or {}), **self._get_param("DefaultSpaceSettings")}
    domain.last_modified_time = sm_models.utcnow()
    return ActionResult({"DomainArn": domain.arn})


def _domain(backend: Any, domain_id: str) -> Any:
    for d in backend.domains.values():
        if d.id == domain_id:
            return d
    raise ValidationError(message=f"Could not find domain '{domain_id}'.")


SageMakerResponse.update_domain = _update_domain


# (i3) HyperPod clusters: moto's CreateCluster indexes InstanceGroups[].ThreadsPerCore (optional on
#      AWS) and answers HTTP 500 without it; it creates clusters InService (AWS: Creating) and has
#      no UpdateCluster. Fill: ThreadsPerCore defaults to 1, new clusters are Creating (move them with
#      /guard-api/job-status, type "cluster"), UpdateCluster replaces the named instance groups
#      (OverrideVpcConfig included) and sets Updating.
_orig_create_cluster = SageMakerResponse.create_cluster


def _create_cluster(self: SageMakerResponse) -> Any:
    for group in self._get_param("InstanceGroups") or []:
        group.setdefault("ThreadsPerCore", 1)
    result = _orig_create_cluster(self)
    self.sagemaker_backend.clusters[self._get_param("ClusterName")].status = "Creating"
    return result


def _update_cluster(self: SageMakerResponse) -> Any:
    name = self._get_param("ClusterName")
    cluster = self.sagemaker_backend.clusters.get(name) or next(
        (c for c in self.sagemaker_backend.clusters.values() if c.arn == name), None)
    if cluster is None:
        raise ResourceNotFound(message=f"Resource Not Found: Cluster {name} not found.")
    groups = {g["InstanceGroupName"]: g for g in cluster.instance_groups}
    for g in self._get_param("InstanceGroups") or []:
        g = dict(g)
        count = g.pop("InstanceCount", None)
        g["CurrentCount"] = g["TargetCount"] = count if count is not None else groups.get(
            g["InstanceGroupName"], {}).get("TargetCount", 0)
        groups[g["InstanceGroupName"]] = g
    cluster.instance_groups = list(groups.values())
    cluster.status = "Updating"
    return ActionResult({"ClusterArn": cluster.arn})


SageMakerResponse.create_cluster = _create_cluster
SageMakerResponse.update_cluster = _update_cluster


# (i4) Compilation jobs: moto creates them COMPLETED and has no StopCompilationJob. Real jobs start
#      INPROGRESS (statuses are upper case for this API); Stop of a running job -> STOPPED (no
#      STOPPING stage here), of any other -> ValidationException naming the status.
_orig_compilation_init = sm_models.CompilationJob.__init__


def _compilation_init(self: Any, *args: Any, **kwargs: Any) -> None:
    _orig_compilation_init(self, *args, **kwargs)
    self.compilation_job_status = "INPROGRESS"
    self.compilation_end_time = None
    if self.tags is None:
        self.tags = []


def _stop_compilation_job(self: SageMakerResponse) -> Any:
    name = self._get_param("CompilationJobName")
    job = self.sagemaker_backend.compilation_jobs.get(name)
    if job is None:
        raise ResourceNotFound(message=f"Could not find compilation job with name {name}.")
    if job.compilation_job_status not in ("INPROGRESS", "STARTING"):
        raise ValidationError(message=f"The request was rejected because the compilation job is in status "
                                      f"{job.compilation_job_status}.")
    job.compilation_job_status = "STOPPED"
    job.compilation_end_time = job.last_modified_time = sm_models.utcnow()
    return EmptyResult()


sm_models.CompilationJob.__init__ = _compilation_init
SageMakerResponse.stop_compilation_job = _stop_compilation_job


# (i5) Resources moto 5.2.1 lacks altogether or cannot create: monitoring schedules (no
#      CreateMonitoringSchedule), AutoML jobs V1 and V2 (CreateAutoMLJob is missing,
#      CreateAutoMLJobV2 requires TabularJobConfig.ProblemType, optional on AWS, and answers 500),
#      optimization jobs, inference-recommendations jobs and labeling jobs. One generic store: Describe echoes the
#      request (without Tags) with the ARN, name, status and times; List pages with NextToken and
#      filters on StatusEquals / NameContains, newest first; Stop moves a running one to its stopped
#      status; tags work on the ARN. Missing -> ResourceNotFound (what botocore declares for these
#      Describe calls; wording by analogy).
# /guard-api/job-status for moto's own objects of (i1)-(i4): type -> (backend dict, status attribute).
OTHER_STATUS: dict[str, tuple[str, str]] = {
    "notebook-instance": ("notebook_instances", "status"),
    "domain": ("domains", "status"),
    "cluster": ("clusters", "status"),
    "compilation-job": ("compilation_jobs", "compilation_job_status"),
}


class GapKind:
    def __init__(self, arn_type: str, name_param: str, arn_key: str, status_key: str, initial: str,
                 running: tuple[str, ...], stopped: str, list_key: str, wording: str,
                 summary_keys: tuple[str, ...] = ()) -> None:
        self.arn_type, self.name_param, self.arn_key, self.status_key = arn_type, name_param, arn_key, status_key
        self.initial, self.running, self.stopped, self.list_key = initial, running, stopped, list_key
        self.wording, self.summary_keys = wording, summary_keys


GAP_KINDS: dict[str, GapKind] = {
    "monitoring-schedule": GapKind("monitoring-schedule", "MonitoringScheduleName", "MonitoringScheduleArn",
                                   "MonitoringScheduleStatus", "Pending", ("Pending", "Scheduled"), "Stopped",
                                   "MonitoringScheduleSummaries", "monitoring schedule",
                                   ("EndpointName", "MonitoringType", "MonitoringJobDefinitionName")),
    "automl-job": GapKind("automl-job", "AutoMLJobName", "AutoMLJobArn", "AutoMLJobStatus", "InProgress",
                          ("InProgress",), "Stopped", "AutoMLJobSummaries", "AutoML job",
                          ("AutoMLJobSecondaryStatus",)),
    "optimization-job": GapKind("optimization-job", "OptimizationJobName", "OptimizationJobArn",
                                "OptimizationJobStatus", "INPROGRESS", ("STARTING", "INPROGRESS"), "STOPPED",
                                "OptimizationJobSummaries", "optimization job", ("DeploymentInstanceType",)),
    "inference-recommendations-job": GapKind("inference-recommendations-job", "JobName", "JobArn", "Status",
                                             "IN_PROGRESS", ("PENDING", "IN_PROGRESS"), "STOPPED",
                                             "InferenceRecommendationsJobs", "inference recommendations job",
                                             ("JobType", "JobDescription", "RoleArn")),
    # Ground Truth labeling jobs (moto has no CreateLabelingJob at all). A new one is Initializing
    # (LabelingJobStatus, botocore); Stop from Initializing or InProgress -> Stopped. The summary's
    # required members (LabelCounters, WorkteamArn) come from the request's HumanTaskConfig.
    "labeling-job": GapKind("labeling-job", "LabelingJobName", "LabelingJobArn", "LabelingJobStatus",
                            "Initializing", ("Initializing", "InProgress"), "Stopped", "LabelingJobSummaryList",
                            "labeling job", ("WorkteamArn", "LabelCounters")),
}


class GapResource:
    def __init__(self, kind: GapKind, backend: Any, name: str, params: dict[str, Any]) -> None:
        self.kind, self.name = kind, name
        self.arn = sm_models.arn_formatter(kind.arn_type, name, backend.account_id, backend.region_name)
        self.params = {k: v for k, v in params.items() if k != "Tags"}
        self.tags = list(params.get("Tags") or [])
        self.status = kind.initial
        self.creation_time = self.last_modified_time = sm_models.utcnow()
        self.end_time: Any = None
        self.version = 1

    def describe(self) -> dict[str, Any]:
        out = {**self.params, self.kind.arn_key: self.arn, self.kind.name_param: self.name,
               self.kind.status_key: self.status, "CreationTime": self.creation_time,
               "LastModifiedTime": self.last_modified_time}
        if self.kind.arn_type == "monitoring-schedule":
            config = self.params.get("MonitoringScheduleConfig") or {}
            out["MonitoringType"] = config.get("MonitoringType") or "DataQuality"
        if self.kind.arn_type == "labeling-job":
            out["WorkteamArn"] = (self.params.get("HumanTaskConfig") or {}).get("WorkteamArn")
            out["LabelCounters"] = {"TotalLabeled": 0, "HumanLabeled": 0, "MachineLabeled": 0,
                                    "FailedNonRetryableError": 0, "Unlabeled": 0}
            out["JobReferenceCode"] = self.arn.rsplit("/", 1)[-1][:16]
        if self.kind.arn_type == "automl-job":
            out["AutoMLJobSecondaryStatus"] = "Starting" if self.status == "InProgress" else self.status
        if self.end_time is not None:
            out["EndTime"] = self.end_time
        return out

    def summary(self) -> dict[str, Any]:
        d = self.describe()
        out = {k: d[k] for k in (self.kind.name_param, self.kind.arn_key, self.kind.status_key,
                                 "CreationTime", "LastModifiedTime") if k in d}
        config = self.params.get("MonitoringScheduleConfig") or {}
        for k in self.kind.summary_keys:
            v = d.get(k, config.get(k))
            if v is not None:
                out[k] = v
        return out


def _gap_store(backend: Any, kind: str) -> dict[str, GapResource]:
    attr = "gap_" + kind.replace("-", "_")
    if not hasattr(backend, attr):
        setattr(backend, attr, {})
    return getattr(backend, attr)


def _gap_get(backend: Any, kind: str, name: str) -> GapResource:
    res = _gap_store(backend, kind).get(name)
    if res is None:
        raise ResourceNotFound(message=f"Could not find {GAP_KINDS[kind].wording} with name {name}.")
    return res


def _gap_create(kind: str, version: int = 1) -> Callable[[SageMakerResponse], Any]:
    k = GAP_KINDS[kind]

    def create(self: SageMakerResponse) -> Any:
        backend, name = self.sagemaker_backend, self._get_param(k.name_param)
        if not name:
            raise ValidationError(message=f"{k.name_param} is required.")
        if name in _gap_store(backend, kind):
            raise ResourceInUseException(message=f"Resource Already Exists: {k.wording} with name {name} already exists.")
        res = GapResource(k, backend, name, json.loads(self.body or "{}"))
        res.version = version
        _gap_store(backend, kind)[name] = res
        return ActionResult({k.arn_key: res.arn})

    return create


def _gap_describe(kind: str, version: int | None = None) -> Callable[[SageMakerResponse], Any]:
    def describe(self: SageMakerResponse) -> Any:
        res = _gap_get(self.sagemaker_backend, kind, self._get_param(GAP_KINDS[kind].name_param))
        out = res.describe()
        if kind == "automl-job" and version == 1 and res.version == 2:
            # DescribeAutoMLJob cannot describe jobs made by CreateAutoMLJobV2 (API reference).
            raise ValidationError(message=f"AutoML job {res.name} was created with CreateAutoMLJobV2: use DescribeAutoMLJobV2.")
        if kind == "automl-job" and version == 2 and res.version == 1:
            # A V1 job described with V2: SecurityConfig is a top-level member of the V2 shape.
            security = (out.get("AutoMLJobConfig") or {}).get("SecurityConfig")
            if security is not None:
                out["SecurityConfig"] = security
        return ActionResult(out)

    return describe


def _gap_stop(kind: str) -> Callable[[SageMakerResponse], Any]:
    k = GAP_KINDS[kind]

    def stop(self: SageMakerResponse) -> Any:
        res = _gap_get(self.sagemaker_backend, kind, self._get_param(k.name_param))
        if res.status not in k.running:
            raise ValidationError(message=f"The request was rejected because the {k.wording} is in status {res.status}.")
        res.status = k.stopped
        res.last_modified_time = res.end_time = sm_models.utcnow()
        return EmptyResult()

    return stop


def _gap_delete(kind: str) -> Callable[[SageMakerResponse], Any]:
    def delete(self: SageMakerResponse) -> Any:
        res = _gap_get(self.sagemaker_backend, kind, self._get_param(GAP_KINDS[kind].name_param))
        del _gap_store(self.sagemaker_backend, kind)[res.name]
        return EmptyResult()

    return delete


def _gap_list(kind: str) -> Callable[[SageMakerResponse], Any]:
    k = GAP_KINDS[kind]

    def list_(self: SageMakerResponse) -> Any:
        status = self._get_param("StatusEquals") or self._get_param("Status")
        contains = (self._get_param("NameContains") or "").lower()
        items = [r for r in sorted(_gap_store(self.sagemaker_backend, kind).values(),
                                   key=lambda r: r.creation_time, reverse=True)
                 if (not status or r.status == status) and contains in r.name.lower()]
        token = self._get_param("NextToken") or "0"
        if not str(token).isdigit():
            raise ValidationError(message="Invalid pagination token.")
        start, size = int(token), int(self._get_param("MaxResults") or 10)
        result: dict[str, Any] = {k.list_key: [r.summary() for r in items[start:start + size]]}
        if start + size < len(items):
            result["NextToken"] = str(start + size)
        return ActionResult(result)

    return list_


def _update_monitoring_schedule(self: SageMakerResponse) -> Any:
    res = _gap_get(self.sagemaker_backend, "monitoring-schedule", self._get_param("MonitoringScheduleName"))
    res.params["MonitoringScheduleConfig"] = self._get_param("MonitoringScheduleConfig")
    res.last_modified_time = sm_models.utcnow()
    return ActionResult({"MonitoringScheduleArn": res.arn})


def _start_monitoring_schedule(self: SageMakerResponse) -> Any:
    res = _gap_get(self.sagemaker_backend, "monitoring-schedule", self._get_param("MonitoringScheduleName"))
    res.status = "Scheduled"
    res.last_modified_time = sm_models.utcnow()
    return EmptyResult()


SageMakerResponse.create_monitoring_schedule = _gap_create("monitoring-schedule")
SageMakerResponse.describe_monitoring_schedule = _gap_describe("monitoring-schedule")
SageMakerResponse.list_monitoring_schedules = _gap_list("monitoring-schedule")
SageMakerResponse.update_monitoring_schedule = _update_monitoring_schedule
SageMakerResponse.stop_monitoring_schedule = _gap_stop("monitoring-schedule")
SageMakerResponse.start_monitoring_schedule = _start_monitoring_schedule
SageMakerResponse.delete_monitoring_schedule = _gap_delete("monitoring-schedule")
SageMakerResponse.create_auto_ml_job = _gap_create("automl-job", 1)
SageMakerResponse.create_auto_ml_job_v2 = _gap_create("automl-job", 2)
SageMakerResponse.describe_auto_ml_job = _gap_describe("automl-job", 1)
SageMakerResponse.describe_auto_ml_job_v2 = _gap_describe("automl-job", 2)
SageMakerResponse.list_auto_ml_jobs = _gap_list("automl-job")
SageMakerResponse.stop_auto_ml_job = _gap_stop("automl-job")
SageMakerResponse.create_optimization_job = _gap_create("optimization-job")
SageMakerResponse.describe_optimization_job = _gap_describe("optimization-job")
SageMakerResponse.list_optimization_jobs = _gap_list("optimization-job")
SageMakerResponse.stop_optimization_job = _gap_stop("optimization-job")
SageMakerResponse.delete_optimization_job = _gap_delete("optimization-job")
SageMakerResponse.create_inference_recommendations_job = _gap_create("inference-recommendations-job")
SageMakerResponse.describe_inference_recommendations_job = _gap_describe("inference-recommendations-job")
SageMakerResponse.list_inference_recommendations_jobs = _gap_list("inference-recommendations-job")
SageMakerResponse.stop_inference_recommendations_job = _gap_stop("inference-recommendations-job")
SageMakerResponse.create_labeling_job = _gap_create("labeling-job")
SageMakerResponse.describe_labeling_job = _gap_describe("labeling-job")
SageMakerResponse.list_labeling_jobs = _gap_list("labeling-job")
SageMakerResponse.stop_labeling_job = _gap_stop("labeling-job")


# --------------------------------------------------------------------------------------
# Test-control API (/guard-api/) as WSGI middleware around moto's app
# --------------------------------------------------------------------------------------

TARGET_PREFIX_SERVICE = {"SageMaker": "sagemaker", "AmazonSQS": "sqs", "AWSEvents": "events",
                         "DynamoDB_20120810": "dynamodb", "Logs_20140328": "logs",
                         "AmazonSSM": "ssm", "secretsmanager": "secretsmanager"}
CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
CREDENTIAL_REGION = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/")
DEFAULT_ACCOUNT = "123456789012"
# The guard's record table, as serverless.yml creates it (src/app/config.ts reads GUARD_RECORD_TABLE, same default).
RECORD_TABLE = os.environ.get("GUARD_RECORD_TABLE") or "isolation-guard-record"
XML_NS = {"sns": "http://sns.amazonaws.com/doc/2010-03-31/",
          "sqs": "http://queue.amazonaws.com/doc/2012-11-05/"}


class GuardState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.faults: list[dict[str, Any]] = []
        self.calls: dict[str, int] = {}
        # Wall-clock time (epoch seconds) each operation last arrived: the bench times a cold start's stop.
        self.call_times: dict[str, float] = {}
        # Every counted call in arrival order (bounded): what came before the stop.
        self.call_log: list[str] = []
        # CloudTrail-like records of the SageMaker create calls made through the emulator, plus seeded ones
        # (moto has no LookupEvents: see (h)); access key id -> the identity such calls are recorded under.
        self.trail: list[dict[str, Any]] = []
        self.identities: dict[str, dict[str, Any]] = {}
        # (account, region) pairs whose record table exists (it is recreated after a reset).
        self.tables: set[tuple[str, str]] = set()

    def reset(self) -> None:
        with self.lock:
            self.faults.clear()
            self.calls.clear()
            self.call_times.clear()
            self.call_log.clear()
            self.trail.clear()
            self.identities.clear()
            self.tables.clear()
            SETTINGS["refuseDeleteWhileCreating"] = False
            DENIED_ASSUME_ROLE_ACCOUNTS.clear()


def _json(start_response: Callable, status: str, body: Any, extra: list | None = None) -> list[bytes]:
    data = json.dumps(body, default=str).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(data)))] + (extra or []))
    return [data]


class GuardMiddleware:
    def __init__(self, app: Callable) -> None:
        self.app = app
        self.state = GuardState()

    # ---- request identification -------------------------------------------------------
    @staticmethod
    def _identify(environ: dict) -> tuple[str, str, bool]:
        """Return (service, operation, uses_json_protocol); reads and rewinds the body."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        auth = environ.get("HTTP_AUTHORIZATION", "")
        m = CREDENTIAL_SCOPE.search(auth)
        service = m.group(1) if m else ""
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target and "." in target:
            prefix, operation = target.rsplit(".", 1)
            service = service or TARGET_PREFIX_SERVICE.get(prefix, prefix.lower())
            return service, operation, True
        params = parse_qs(environ.get("QUERY_STRING", ""))
        if "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", "") and body:
            params.update(parse_qs(body.decode("utf-8", "replace")))
        operation = (params.get("Action") or [""])[0]
        if not operation:  # REST-style protocols (S3, Lambda, ...): method + path
            operation = f"{environ.get('REQUEST_METHOD', '')} {environ.get('PATH_INFO', '')}"
        return service or "unknown", operation, False

    # ---- fault responses ----------------------------------------------------------------
    @staticmethod
    def _fault_response(start_response: Callable, service: str, is_json: bool, kind: str,
                        message: str | None = None) -> list[bytes]:
        request_id = str(uuid.uuid4())
        if kind == "refuse":
            # What SageMaker answers a Stop it will not carry out (see gap-fill (b)); the message is the test's.
            return _json(start_response, "400 Bad Request",
                         {"__type": "ValidationException", "message": message or
                          "The request was rejected because the training job is in status InProgress."},
                         [("x-amzn-RequestId", request_id), ("X-Amzn-ErrorType", "ValidationException")])
        if kind == "throttle":
            status, code, xml_code, message, who = "400 Bad Request", "ThrottlingException", "Throttling", "Rate exceeded", "Sender"
        else:
            status, code, xml_code, message, who = ("500 Internal Server Error", "InternalFailure", "InternalFailure",
                                                    "Injected fault: internal failure", "Receiver")
        if is_json:
            return _json(start_response, status, {"__type": code, "message": message},
                         [("x-amzn-RequestId", request_id), ("X-Amzn-ErrorType", code)])
        # awsQuery error format (what moto and real SNS/SQS send)
        ns = XML_NS.get(service, "")
        xml = (f'<ErrorResponse xmlns="{ns}"><Error><Type>{who}</Type><Code>{xml_code}</Code>'
               f"<Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>")
        data = xml.encode()
        start_response(status, [("Content-Type", "text/xml"), ("Content-Length", str(len(data))),
                                ("x-amzn-RequestId", request_id)])
        return [data]

    # ---- control API ----------------------------------------------------------------------
    def _control(self, environ: dict, start_response: Callable, path: str) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return _json(start_response, "400 Bad Request", {"error": "body must be JSON"})
        st = self.state
        if path == "/guard-api/faults" and method == "POST":
            fault = {"operation": body.get("operation", "*"), "service": body.get("service"),
                     "kind": body.get("kind", "error"), "count": int(body.get("count", 1)),
                     "delayMs": int(body.get("delayMs", 0))}
            if body.get("message"):
                fault["message"] = str(body["message"])
            if fault["kind"] not in ("throttle", "error", "delay", "refuse"):
                return _json(start_response, "400 Bad Request",
                             {"error": "kind must be throttle|error|delay|refuse"})
            with st.lock:
                st.faults.append(fault)
            return _json(start_response, "200 OK", {"faults": st.faults})
        if path == "/guard-api/faults" and method == "GET":
            return _json(start_response, "200 OK", {"faults": st.faults})
        if path == "/guard-api/faults" and method == "DELETE":
            with st.lock:
                st.faults.clear()
            return _json(start_response, "200 OK", {"faults": []})
        if path == "/guard-api/calls" and method == "GET":
            with st.lock:
                return _json(start_response, "200 OK", dict(st.calls))
        if path == "/guard-api/calls" and method == "DELETE":
            with st.lock:
                st.calls.clear()
                st.call_times.clear()
                st.call_log.clear()
            return _json(start_response, "200 OK", {})
        if path == "/guard-api/call-log" and method == "GET":
            with st.lock:
                return _json(start_response, "200 OK", list(st.call_log))
        if path == "/guard-api/call-times" and method == "GET":
            with st.lock:
                return _json(start_response, "200 OK", dict(st.call_times))
        if path == "/guard-api/settings" and method == "POST":
            for key, value in body.items():
                if key not in SETTINGS or not isinstance(value, bool):
                    return _json(start_response, "400 Bad Request", {"error": f"unknown setting {key}"})
                SETTINGS[key] = value
            return _json(start_response, "200 OK", SETTINGS)
        if path == "/guard-api/deny-assume-role" and method == "POST":
            accounts = body.get("accounts")
            if not isinstance(accounts, list) or not all(isinstance(a, str) for a in accounts):
                return _json(start_response, "400 Bad Request", {"error": "need accounts: [account ids]"})
            with st.lock:
                DENIED_ASSUME_ROLE_ACCOUNTS.clear()
                DENIED_ASSUME_ROLE_ACCOUNTS.update(accounts)
            return _json(start_response, "200 OK", {"accounts": sorted(DENIED_ASSUME_ROLE_ACCOUNTS)})
        if path == "/guard-api/job-status" and method == "POST":
            return self._set_status(start_response, body)
        if path == "/guard-api/identities" and method == "POST":
            if not body.get("accessKeyId") or not body.get("arn"):
                return _json(start_response, "400 Bad Request", {"error": "need accessKeyId and arn"})
            # The identity's account: the one its ARN names (a principal of a member account), else moto's default.
            arn_account = body["arn"].split(":")[4] if body["arn"].count(":") >= 5 else ""
            account = arn_account if re.fullmatch(r"\d{12}", arn_account) else DEFAULT_ACCOUNT
            identity = {"type": body.get("type", "AssumedRole"), "arn": body["arn"], "accountId": account,
                        "accessKeyId": body["accessKeyId"]}
            if body.get("sessionIssuerArn"):
                identity["sessionContext"] = {"sessionIssuer": {"arn": body["sessionIssuerArn"], "type": "Role"}}
            with st.lock:
                st.identities[body["accessKeyId"]] = identity
            return _json(start_response, "200 OK", identity)
        if path == "/guard-api/cloudtrail-events" and method == "POST":
            events = body.get("events")
            if not isinstance(events, list) or not all(isinstance(e, dict) and e.get("eventName") for e in events):
                return _json(start_response, "400 Bad Request", {"error": "need events: [{eventName, ...}]"})
            return _json(start_response, "200 OK", {"events": [self._record_event(e) for e in events]})
        if path == "/guard-api/cloudtrail-events" and method == "GET":
            with st.lock:
                return _json(start_response, "200 OK", {"events": [x["record"] for x in st.trail]})
        if path == "/guard-api/job-parent" and method == "POST":
            return self._set_parent(start_response, body)
        return _json(start_response, "404 Not Found", {"error": f"no such control route: {method} {path}"})

    @staticmethod
    def _set_status(start_response: Callable, body: dict) -> list[bytes]:
        job_type, name, status = body.get("type"), body.get("name"), body.get("status")
        kinds = list(JOB_TYPES) + ["endpoint", "inference-component"] + list(OTHER_STATUS) + list(GAP_KINDS)
        if job_type not in kinds or not name or not status:
            return _json(start_response, "400 Bad Request", {"error": "need type (%s), name, status" % "|".join(kinds)})
        found = []
        for account_id, regions in sagemaker_backends.items():
            for region, backend in regions.items():
                if body.get("region") and region != body["region"]:
                    continue
                if job_type in GAP_KINDS:
                    obj = _gap_store(backend, job_type).get(name)
                elif job_type == "domain":  # by name or by id (d-...)
                    obj = next((d for d in backend.domains.values() if name in (d.id, d.domain_name)), None)
                else:
                    attr = {"endpoint": "endpoints", "inference-component": "inference_components"}.get(job_type) \
                        or (OTHER_STATUS[job_type][0] if job_type in OTHER_STATUS else JOB_TYPES[job_type][1])
                    obj = getattr(backend, attr, {}).get(name)
                if obj is None:
                    continue
                if job_type == "endpoint":
                    obj.endpoint_status = status
                    obj.last_modified_time = sm_models.utcnow()
                elif job_type in ("inference-component",) or job_type in GAP_KINDS:
                    obj.status = status
                    obj.last_modified_time = sm_models.utcnow()
                elif job_type in OTHER_STATUS:
                    setattr(obj, OTHER_STATUS[job_type][1], status)
                    if hasattr(obj, "last_modified_time"):
                        obj.last_modified_time = sm_models.utcnow()
                else:
                    set_job_status(obj, job_type, status)
                found.append(obj.arn)
        if not found:
            return _json(start_response, "404 Not Found", {"error": f"{job_type} {name} not found"})
        return _json(start_response, "200 OK", {"updated": found, "status": status})

    @staticmethod
    def _set_parent(start_response: Callable, body: dict) -> list[bytes]:
        job_type, name, key, parent = body.get("type"), body.get("name"), body.get("parentKey"), body.get("parentArn")
        if job_type not in PARENT_KEYS or not name or key not in PARENT_KEYS.get(job_type, ()) \
                or not isinstance(parent, str) or not parent.startswith("arn:"):
            choices = "; ".join(f"{t}: {'|'.join(k)}" for t, k in PARENT_KEYS.items())
            return _json(start_response, "400 Bad Request",
                         {"error": f"need type, name, parentKey ({choices}) and parentArn (an ARN)"})
        attr = JOB_TYPES[job_type][1]
        found = []
        for account_id, regions in sagemaker_backends.items():
            for region, backend in regions.items():
                if body.get("region") and region != body["region"]:
                    continue
                job = getattr(backend, attr, {}).get(name)
                if job is None:
                    continue
                job.guard_parents = {**(getattr(job, "guard_parents", None) or {}), key: parent}
                found.append(job.arn)
        if not found:
            return _json(start_response, "404 Not Found", {"error": f"{job_type} {name} not found"})
        return _json(start_response, "200 OK", {"updated": found, key: parent})

    # ---- WSGI entry -------------------------------------------------------------------------
    def __call__(self, environ: dict, start_response: Callable) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/guard-api/"):
            return self._control(environ, start_response, path.rstrip("/"))
        if path.startswith("/moto-api/"):
            if path.rstrip("/") == "/moto-api/reset":
                self.state.reset()
            return self.app(environ, start_response)
        service, operation, is_json = self._identify(environ)
        fault = None
        with self.state.lock:
            key = f"{service}:{operation}"
            self.state.calls[key] = self.state.calls.get(key, 0) + 1
            self.state.call_times[key] = time.time()
            if len(self.state.call_log) < 100_000:
                self.state.call_log.append(key)
            for f in self.state.faults:
                if f["operation"] in ("*", operation) and f["service"] in (None, "", "*", service):
                    fault = dict(f)
                    f["count"] -= 1
                    if f["count"] <= 0:
                        self.state.faults.remove(f)
                    break
        if fault and fault["kind"] == "delay":
            time.sleep(fault["delayMs"] / 1000.0)
        elif fault:
            return self._fault_response(start_response, service, is_json, fault["kind"], fault.get("message"))
        if service == "dynamodb":
            self._ensure_record_table(environ)
        if service == "cloudtrail" and operation == "LookupEvents":
            return self._lookup_events(environ, start_response)
        if service == "sagemaker" and operation.startswith("Create"):
            return self._recording(environ, start_response, operation)
        return self.app(environ, start_response)

    # ---- (h) the guard's record table and CloudTrail LookupEvents ----------------------------
    @staticmethod
    def _region(environ: dict) -> str:
        m = CREDENTIAL_REGION.search(environ.get("HTTP_AUTHORIZATION", ""))
        return m.group(1) if m else "us-east-1"

    @staticmethod
    def _access_key(environ: dict) -> str:
        m = re.search(r"Credential=([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
        return m.group(1) if m else ""

    def _account(self, environ: dict) -> str:
        """The account moto serves a request from: MOTO_ACCOUNT_ID or x-moto-account-id, else the access key's (an assumed role's
        credentials map to the role's account), else the default account."""
        fixed = os.environ.get("MOTO_ACCOUNT_ID") or environ.get("HTTP_X_MOTO_ACCOUNT_ID")
        if fixed:
            return fixed
        from moto.iam.models import get_account_id_from
        return get_account_id_from(self._access_key(environ))

    def _ensure_record_table(self, environ: dict) -> None:
        """The table the stack creates (serverless.yml RecordTable), so `handle` works on a fresh emulator."""
        from moto.dynamodb.models import dynamodb_backends
        region = self._region(environ)
        key = (DEFAULT_ACCOUNT, region)
        with self.state.lock:
            if key in self.state.tables:
                return
            backend = dynamodb_backends[DEFAULT_ACCOUNT][region]
            if RECORD_TABLE not in backend.tables:
                backend.create_table(
                    RECORD_TABLE, schema=[{"AttributeName": "pk", "KeyType": "HASH"}], throughput=None,
                    attr=[{"AttributeName": "pk", "AttributeType": "S"}], global_indexes=None, indexes=None,
                    streams=None, billing_mode="PAY_PER_REQUEST", sse_specification={"Enabled": True}, tags=[],
                    deletion_protection_enabled=False, warm_throughput=None)
                backend.update_time_to_live(RECORD_TABLE, {"Enabled": True, "AttributeName": "expiresAt"})
            self.state.tables.add(key)

    def _recording(self, environ: dict, start_response: Callable, operation: str) -> Any:
        """Passes a SageMaker create call to moto and, when it succeeds, records it as CloudTrail would."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        status_holder: list[str] = []

        def capture(status: str, headers: list, exc_info: Any = None) -> Any:
            status_holder.append(status)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, capture)
        if status_holder and status_holder[0].startswith("200"):
            try:
                params = json.loads(raw or b"{}")
            except ValueError:
                params = {}
            name = params.get(operation[len("Create"):] + "Name")
            key = self._access_key(environ)
            # Recorded in the account the call was made in (the one moto created the resource in), as each
            # account's CloudTrail event history holds only its own calls.
            account = self._account(environ)
            identity = self.state.identities.get(key) or {
                "type": "IAMUser", "arn": f"arn:aws:iam::{account}:user/{key or 'anonymous'}",
                "accountId": account, "accessKeyId": key}
            if isinstance(name, str):
                self._record_event({"eventName": operation, "resourceName": name, "userIdentity": identity,
                                    "awsRegion": self._region(environ), "accountId": account})
        return result

    def _record_event(self, e: dict[str, Any]) -> dict[str, Any]:
        now = time.time()
        event_time = e.get("eventTime")
        when = datetime.datetime.fromisoformat(event_time.replace("Z", "+00:00")).timestamp() \
            if isinstance(event_time, str) else now
        record = {
            "eventVersion": "1.09", "eventID": e.get("eventID") or str(uuid.uuid4()),
            "eventTime": datetime.datetime.fromtimestamp(when, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": e.get("eventSource", "sagemaker.amazonaws.com"), "eventName": e["eventName"],
            "awsRegion": e.get("awsRegion", "us-east-1"), "userIdentity": e.get("userIdentity") or {},
            "requestParameters": e.get("requestParameters") or {},
            "recipientAccountId": e.get("accountId") or DEFAULT_ACCOUNT,
            "readOnly": False,
        }
        if e.get("errorCode"):
            record["errorCode"] = e["errorCode"]
        entry = {"time": when, "record": record, "resourceName": e.get("resourceName")}
        with self.state.lock:
            self.state.trail.append(entry)
        return record

    def _lookup_events(self, environ: dict, start_response: Callable) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        attrs = body.get("LookupAttributes") or []
        if len(attrs) > 1:
            return _json(start_response, "400 Bad Request", {
                "__type": "InvalidLookupAttributesException",
                "message": "You cannot specify more than one lookup attribute."})
        region = self._region(environ)
        # An account's event history holds only its own calls: the caller's account, as moto maps its key.
        account = self._account(environ)
        start, end = body.get("StartTime"), body.get("EndTime")
        with self.state.lock:
            entries = [x for x in self.state.trail
                       if x["record"]["awsRegion"] == region and x["record"]["recipientAccountId"] == account]
        for a in attrs:
            k, v = a.get("AttributeKey"), a.get("AttributeValue")
            field = {"EventName": lambda x: x["record"]["eventName"],
                     "ResourceName": lambda x: x["resourceName"],
                     "EventSource": lambda x: x["record"]["eventSource"],
                     "EventId": lambda x: x["record"]["eventID"],
                     "AccessKeyId": lambda x: x["record"]["userIdentity"].get("accessKeyId"),
                     "Username": lambda x: (x["record"]["userIdentity"].get("arn") or "").rsplit("/", 1)[-1]}.get(k)
            if field is None:
                return _json(start_response, "400 Bad Request", {
                    "__type": "InvalidLookupAttributesException", "message": f"Unsupported AttributeKey {k}"})
            entries = [x for x in entries if field(x) == v]
        if isinstance(start, (int, float)):
            entries = [x for x in entries if x["time"] >= start]
        if isinstance(end, (int, float)):
            entries = [x for x in entries if x["time"] <= end]
        entries.sort(key=lambda x: -x["time"])  # newest first, as CloudTrail lists them
        offset = int(body.get("NextToken") or 0)
        size = min(int(body.get("MaxResults") or 50), 50)
        page = entries[offset:offset + size]
        events = [{
            "EventId": x["record"]["eventID"], "EventName": x["record"]["eventName"], "ReadOnly": "false",
            "AccessKeyId": x["record"]["userIdentity"].get("accessKeyId"), "EventTime": x["time"],
            "EventSource": x["record"]["eventSource"],
            "Username": (x["record"]["userIdentity"].get("arn") or "").rsplit("/", 1)[-1],
            "Resources": [{"ResourceType": "AWS::SageMaker::" + x["record"]["eventName"][len("Create"):],
                           "ResourceName": x["resourceName"]}] if x["resourceName"] else [],
            "CloudTrailEvent": json.dumps(x["record"]),
        } for x in page]
        out: dict[str, Any] = {"Events": events}
        if offset + size < len(entries):
            out["NextToken"] = str(offset + size)
        return _json(start_response, "200 OK", out)


# --------------------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", "-p", type=int, default=int(os.environ.get("MOTO_PORT", 5000)))
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))  # moto uses it to build URLs

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    app = GuardMiddleware(DomainDispatcherApplication(create_backend_app))
    server = make_server(args.host, args.port, app, threaded=True)

    def _stop(signum: int, frame: Any) -> None:
        # shutdown() waits for serve_forever to exit, so run it off the main thread
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print(f"isolation-guard emulator listening on http://{args.host}:{server.server_port}", flush=True)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
