"""Tells an IAM user that is a person from one that is a workload, from read-only signals.

Signals, strongest first; the first that answers decides, and its wording is what the
finding names ("decided by ..."):
  1. a console password                               → person
  2. a tag that declares it (Type/Kind/Purpose/UserType/Usage/Role = service, machine, bot,
     ci, automation, workload, system → workload; human, person, employee, developer,
     staff, user → person), or an Email tag with an address → person
  3. the user name: email-shaped (a@b.c) or first.last → person; a token such as ci, cd,
     deploy, github, gitlab, terraform, jenkins, bot, svc, service, app, server, backup,
     pipeline, build, automation, integration, sync, cron, etl, monitoring → workload
  4. its IAM groups: a group named like developers, engineers, admins, staff, humans, team,
     users → person; like ci, deploy, service, bots, automation, machines → workload
  5. what its newest-used access key last called: a console-style or account service (iam,
     organizations, sso, support, ce, health, account, billing, cloudshell) → person;
     a data-plane service (s3, sqs, sns, dynamodb, kinesis, firehose, ses, ecr, lambda,
     secretsmanager, ssm, logs, monitoring/cloudwatch, kms, execute-api) → workload
With no signal the user is "unknown": a programmatic-only user nobody can place, which
iam.workload_users treats as a workload (its key is a long-lived secret either way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from onboard.i18n import _
from onboard.models import Resource

Kind = Literal["person", "workload", "unknown"]

TAG_KEYS = frozenset({"type", "kind", "purpose", "usertype", "user-type", "user_type",
                      "usage", "role", "identity", "identitytype", "category"})
WORKLOAD_VALUES = frozenset({"service", "machine", "bot", "ci", "cicd", "ci/cd", "automation",
                             "workload", "system", "application", "app", "service-account",
                             "serviceaccount", "robot", "programmatic"})
PERSON_VALUES = frozenset({"human", "person", "employee", "developer", "staff", "user",
                           "engineer", "contractor", "admin", "administrator"})
WORKLOAD_TOKENS = frozenset({
    "ci", "cd", "cicd", "deploy", "deployer", "deployment", "github", "gitlab", "bitbucket",
    "terraform", "tf", "jenkins", "circleci", "bot", "bots", "svc", "service", "services",
    "app", "application", "server", "backup", "pipeline", "build", "builder", "automation",
    "integration", "sync", "cron", "etl", "monitoring", "datadog", "sentry", "robot",
    "machine", "system", "runner", "actions", "lambda", "api", "exporter", "uploader",
})
PERSON_GROUP_TOKENS = frozenset({"developers", "developer", "devs", "dev", "engineers",
                                 "engineering", "admins", "admin", "administrators", "staff",
                                 "humans", "people", "team", "users", "employees", "ops",
                                 "sre", "readonly", "billing", "support"})
WORKLOAD_GROUP_TOKENS = frozenset({"ci", "cd", "deploy", "deployers", "service", "services",
                                   "bots", "bot", "automation", "machines", "workloads",
                                   "pipelines", "svc"})
PERSON_SERVICES = frozenset({"iam", "organizations", "sso", "support", "ce", "health",
                             "account", "billing", "cloudshell", "signin", "trustedadvisor",
                             "console"})
WORKLOAD_SERVICES = frozenset({"s3", "sqs", "sns", "dynamodb", "kinesis", "firehose", "ses",
                               "ecr", "lambda", "secretsmanager", "ssm", "logs", "monitoring",
                               "cloudwatch", "kms", "execute-api", "states", "events"})
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
FIRST_LAST = re.compile(r"^[a-z]{2,}[._][a-z]{2,}$", re.IGNORECASE)


@dataclass(frozen=True)
class Identity:
    kind: Kind
    signal: str  # what decided, e.g. "name 'deploy-bot' (token 'bot')"

    def describe(self) -> str:
        if self.kind == "unknown":
            return _("no signal tells a person from a workload (no console password, telling "
                     "tag, name, group or key use)")
        if self.kind == "person":
            return _("a person, decided by {signal}").format(signal=self.signal)
        return _("a workload, decided by {signal}").format(signal=self.signal)


def _tokens(text: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    return re.findall(r"[a-z]+", spaced.lower())


def _from_tags(tags: dict[str, Any]) -> Identity | None:
    for key, value in sorted(tags.items()):
        k, v = key.lower(), str(value).strip().lower()
        tag = _("tag {key}={value}").format(key=key, value=value)
        if k in ("email", "mail", "e-mail") and EMAIL.match(v):
            return Identity("person", tag)
        if k not in TAG_KEYS:
            continue
        if v in WORKLOAD_VALUES:
            return Identity("workload", tag)
        if v in PERSON_VALUES:
            return Identity("person", tag)
    return None


def _from_name(name: str) -> Identity | None:
    if EMAIL.match(name):
        return Identity("person", _("name '{name}' (an email address)").format(name=name))
    hits = [t for t in _tokens(name) if t in WORKLOAD_TOKENS]
    if hits:
        return Identity("workload", _("name '{name}' (word '{word}')").format(name=name,
                                                                              word=hits[0]))
    if FIRST_LAST.match(name):
        return Identity("person", _("name '{name}' (first.last)").format(name=name))
    return None


def _from_groups(groups: list[str]) -> Identity | None:
    for group in groups:
        toks = set(_tokens(group))
        if toks & WORKLOAD_GROUP_TOKENS:
            return Identity("workload", _("group '{group}'").format(group=group))
    for group in groups:
        if set(_tokens(group)) & PERSON_GROUP_TOKENS:
            return Identity("person", _("group '{group}'").format(group=group))
    return None


def _from_key_use(keys: list[dict[str, Any]]) -> Identity | None:
    used = sorted((k for k in keys if k.get("last_used") and k.get("last_used_service")),
                  key=lambda k: str(k["last_used"]), reverse=True)
    for key in used:
        service = str(key["last_used_service"]).lower()
        where = (_(" in {region}").format(region=key["last_used_region"])
                 if key.get("last_used_region") else "")
        said = _("key {id} last used on {service}{where}").format(id=key.get("id"),
                                                                 service=service, where=where)
        if service in PERSON_SERVICES:
            return Identity("person", said)
        if service in WORKLOAD_SERVICES:
            return Identity("workload", said)
    return None


def classify(user: Resource) -> Identity:
    """Person, workload or unknown, with the signal that decided (rules in the docstring)."""
    if user.attrs.get("password_enabled"):
        return Identity("person", _("a console password"))

    for found in (_from_tags(user.attrs.get("tags") or {}), _from_name(user.id),
                  _from_groups(list(user.attrs.get("groups") or [])),
                  _from_key_use(list(user.attrs.get("access_keys") or []))):
        if found is not None:
            return found
    return Identity("unknown", "")
