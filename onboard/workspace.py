"""The one write path: every change to a session, with what derives from it, in one
transaction.

A `Workspace` (store + catalog + session) is the only writer the CLI and the screens use.
Each method changes its input and, in the same transaction, updates what derives from it:

| write                        | derived state updated with it                              |
|------------------------------|------------------------------------------------------------|
| finish_scan                  | findings' Terraform addresses, the matrix rows             |
| import_terraform             | every finding's Terraform address, the matrix rows         |
| set_triage / set_triage_many | the matrix rows (accepted / counted resources)             |
| set_per_account              | the matrix rows (split or merged, edits and links kept)    |
| choose / add / update / delete action | the activity log's `decisions_changed`            |

Everything else is computed when read, by pure functions that never write: a row's risk
and status (`orient.matrix`), the week plan (`week.task_states`), the decision table and
every export. Two writes stay apart from derived state: the append-only activity log
(`record_export`, `mark_matrix_reviewed`) and the TUI's resume state (`Store.update_session`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from onboard import assets, decide, i18n, orient, terraform
from onboard.catalog import Catalog, in_language
from onboard.i18n import _
from onboard.models import Account, Finding
from onboard.store import Store


class Workspace:
    """The writers of one session. Cheap to make: make one per change."""

    def __init__(self, store: Store, catalog: Catalog, session_id: int) -> None:
        self.store = store
        self.session_id = session_id
        # Generated text is stored in the session's language, whatever language this
        # command speaks; reads in another language render it again (orient.matrix).
        self.catalog = in_language(catalog, orient.written_language(store, session_id))

    # -- derivation

    def _derive_matrix(self, per_account: bool | None = None) -> None:
        """Regenerate the matrix from the current scan; log when rows were added (the week
        plan asks for a new review then)."""
        added = orient.regenerate(self.store, self.catalog, self.session_id, per_account)
        if added:
            self.store.log_activity(self.session_id, "matrix_rows_added", count=added)

    def _addresses(self, findings: Iterable[Finding]) -> dict[tuple[str, str, str, str],
                                                             str | None]:
        index = terraform.managed_index(self.store, self.session_id)
        out: dict[tuple[str, str, str, str], str | None] = {}
        for f in findings:
            row = index.lookup(f.resource_type, f.account_id, f.resource_id, f.resource_arn)
            out[f.key] = row["address"] if row else None
        return out

    # -- scans

    def start_scan(self, identity: dict[str, str], regions: list[str]) -> int:
        """A new scan; scans a killed process left `running` become `incomplete`."""
        with self.store.tx():
            self.store.mark_interrupted_scans(self.session_id)
            return self.store.start_scan(self.session_id, identity, regions)

    def record_accounts(self, accounts: Sequence[Account]) -> None:
        self.store.upsert_accounts(self.session_id, accounts)

    def finish_scan(self, scan_id: int, findings: list[Finding], status: str,
                    api_calls: int, notes: dict[str, Any]) -> list[Finding]:
        """Store the findings (with their Terraform addresses), close the scan and derive
        the matrix — all or nothing. Returns the findings as stored."""
        addresses = self._addresses(findings)
        stored = [f.model_copy(update={"terraform_address": addresses.get(f.key)})
                  if addresses.get(f.key) else f for f in findings]
        with self.store.tx():
            self.store.replace_findings(scan_id, stored)
            self.store.finish_scan(scan_id, status, api_calls, notes)
            self._derive_matrix()
        return stored

    # -- Terraform

    def import_terraform(self, paths: Iterable[str | Path]) -> terraform.ImportResult:
        """Import state files (all or nothing) and re-address every finding of the
        session, so exports, the matrix and remediation agree on what Terraform manages."""
        with self.store.tx():
            result = terraform.import_files(self.store, self.session_id, paths)
            for scan in self.store.scans(self.session_id):
                self.store.set_terraform_addresses(
                    scan.id, self._addresses(self.store.findings(scan.id)))
            self._derive_matrix()
            self.store.log_activity(self.session_id, "tf_imported",
                                    files=[f.path for f in result.files],
                                    resources=result.total_rows)
        return result

    # -- triage

    def set_triage(self, finding: Finding, mark: str, note: str) -> None:
        self.set_triage_many([finding], mark, note)

    def set_triage_many(self, findings: Iterable[Finding], mark: str, note: str) -> None:
        with self.store.tx():
            for f in findings:
                self.store.set_triage(self.session_id, f, mark, note)
            self._derive_matrix()

    # -- interviews, week, accounts

    def save_answer(self, prompt_id: str, answer: str, status: str) -> None:
        self.store.save_answer(self.session_id, prompt_id, answer, status)

    def set_task(self, task_id: str, done: bool | None) -> None:
        """The user's own tick/untick (wins over the task's rule); None: back to the rule."""
        if task_id not in self.catalog.tasks:
            raise ValueError(_("no task {id} in the week plan").format(id=repr(task_id)))
        self.store.set_task(self.session_id, task_id, done)

    def add_account(self, account: Account) -> None:
        self.store.upsert_accounts(self.session_id, [account])

    def set_known_before(self, account_id: str, known: bool) -> None:
        self.store.set_known_before(self.session_id, account_id, known)

    def delete_account(self, account_id: str) -> None:
        self.store.delete_account(self.session_id, account_id)

    # -- information assets (risk is computed on read: nothing derived is stored)

    def add_asset(self, name: str, value: int, description: str = "",
                  links: Iterable[str] = ()) -> assets.Asset:
        with self.store.tx():
            return assets.add_asset(self.store, self.session_id, name, value, description,
                                    links)

    def update_asset(self, asset_id: int, **fields: Any) -> assets.Asset:
        with self.store.tx():
            return assets.update_asset(self.store, self.session_id, asset_id, **fields)

    def delete_asset(self, asset_id: int) -> None:
        with self.store.tx():
            assets.delete_asset(self.store, self.session_id, asset_id)

    def link_asset(self, asset_id: int, kind: str, value: str) -> assets.AssetLink:
        with self.store.tx():
            return assets.link_asset(self.store, self.session_id, asset_id, kind, value)

    def unlink_asset(self, link_id: int) -> None:
        assets.unlink_asset(self.store, self.session_id, link_id)

    # -- the matrix

    def edit_row(self, row_id: int, **changes: Any) -> orient.MatrixRow:
        with self.store.tx():
            return orient.edit_row(self.store, self.catalog, self.session_id, row_id,
                                   **changes)

    def reset_fields(self, row_id: int, *fields: str) -> orient.MatrixRow:
        with self.store.tx():
            return orient.reset_fields(self.store, self.catalog, self.session_id, row_id,
                                       *fields)

    def add_custom_row(self, observation: str, **fields: Any) -> orient.MatrixRow:
        with self.store.tx():
            return orient.add_custom_row(self.store, self.catalog, self.session_id,
                                         observation, **fields)

    def delete_row(self, row_id: int) -> None:
        with self.store.tx():
            orient.delete_row(self.store, self.catalog, self.session_id, row_id)
            self.store.log_activity(self.session_id, "decisions_changed", row=row_id)

    def set_per_account(self, per_account: bool) -> None:
        """One row per check, or per check × account (edits and action links carry over)."""
        self.rederive(per_account)

    def rederive(self, per_account: bool | None = None) -> None:
        """Derive the matrix again from what is stored (after findings were stored by
        other means, e.g. an import of a scan; None keeps the per-account mode)."""
        with self.store.tx():
            self._derive_matrix(per_account)

    def mark_matrix_reviewed(self) -> None:
        """The user says they agree with every row (the week plan's review task)."""
        self.store.log_activity(self.session_id, "matrix_reviewed")

    # -- decisions

    def _decision_changed(self, **detail: Any) -> None:
        self.store.log_activity(self.session_id, "decisions_changed", **detail)

    def choose(self, ref: str | int, **fields: Any) -> decide.Action:
        with self.store.tx():
            action = decide.choose(self.store, self.catalog, self.session_id, ref, **fields)
            self._decision_changed(action=action.id)
            return action

    def choose_many(self, refs: Iterable[str], **fields: Any) -> list[decide.Action]:
        """Check every ref first ('all' = every suggestion), then choose them all, or none."""
        with self.store.tx():
            wanted = decide.resolve_refs(self.store, self.catalog, self.session_id, refs)
            return [self.choose(ref, **fields) for ref in wanted]

    def add_action(self, title: str, **fields: Any) -> decide.Action:
        with self.store.tx():
            action = decide.add_action(self.store, self.catalog, self.session_id, title,
                                       **fields)
            self._decision_changed(action=action.id)
            return action

    def update_action(self, action_id: int, **changes: Any) -> decide.Action:
        with self.store.tx():
            action = decide.update_action(self.store, self.catalog, self.session_id,
                                          action_id, **changes)
            self._decision_changed(action=action_id)
            return action

    def delete_action(self, action_id: int) -> None:
        with self.store.tx():
            decide.delete_action(self.store, self.catalog, self.session_id, action_id)
            self._decision_changed(action=action_id)

    # -- the Identity Center kit's edits (renames, moves, exclusions; kept across rescans)

    def save_sso_edit(self, plan: Any, inventory: Any, kind: str, target: str,
                      value: str = "") -> tuple[str, str]:
        """Validate an edit against the current plan and store it (sso_kit.edits)."""
        from onboard.sso_kit.edits import save_edit

        return save_edit(self.store, self.session_id, plan, inventory, kind, target, value)

    def forget_sso_edit(self, kind: str, target: str) -> bool:
        return self.store.delete_sso_edit(self.session_id, kind, target)

    # -- the activity log (exports)

    def record_export(self, kind: str, **detail: Any) -> None:
        """An export happened (decisions_exported, report_exported, diagram_exported):
        append-only, read by the week plan."""
        self.store.log_activity(self.session_id, kind, **detail)

    # -- notes (a sentence a task asks for, what a matrix row still needs)

    NOTE_KINDS = ("task", "row")

    def set_note(self, kind: str, target: str | int, text: str) -> None:
        """The user's note on a week task (its id) or a matrix row (its id); empty deletes.
        Nothing derives from a note: it is shown beside its task or row and exported."""
        if kind not in self.NOTE_KINDS:
            raise ValueError(_("notes are on a task or a row, not {kind}").format(
                kind=repr(kind)))
        self.store.set_note(self.session_id, kind, str(target), text.strip())

    # -- people and interviews (the report counts people and names who was interviewed)

    def set_interviewee(self, prompt_id: str, person: str) -> None:
        """Who answered an interview prompt ('' forgets it); one line of text."""
        name = " ".join(person.split())
        if len(name) > 200:
            raise ValueError(_("the interviewee is at most 200 characters"))
        self.store.set_interviewee(self.session_id, prompt_id, name)

    def set_language(self, lang: str) -> None:
        """Speak another language in this session from now on: its generated matrix text and
        the titles of suggested actions nobody retitled are written again in it."""
        lang = i18n.check(lang)
        before = self.catalog
        after = in_language(before, lang)
        with self.store.tx():
            self.store.update_session(self.session_id, lang=lang)
            for a in self.store.actions(self.session_id):
                ident = a["action_def"]
                if ident in before.actions and ident in after.actions and \
                        a["title"] == before.actions[ident].title:
                    self.store.save_action(self.session_id, {
                        "id": a["id"], "title": after.actions[ident].title})
            self.catalog = after
            orient.regenerate(self.store, after, self.session_id)
            orient.retranslate(self.store, after, self.session_id)
            self.store.log_activity(self.session_id, "language_changed", lang=lang)

    def set_session_person(self, person: str) -> None:
        """Who runs this onboarding (the report's 'Person'); '' means not set."""
        self.store.update_session(self.session_id, person=" ".join(person.split()))

    def map_user_to_person(self, user_key: str, person: str) -> None:
        """Say which person an IAM user (`ACCOUNT/USER`) belongs to ('' gives it back to the
        rules). The same mapping the Identity Center plan reads (its `move-user` edit); the
        matrix observations that count people are derived again in the same transaction."""
        from onboard.people import parse_user_key

        account, user = parse_user_key(user_key)
        scan = self.store.latest_scan(self.session_id)
        known = {(r.account_id, r.id) for r in self.store.resources(scan.id, "iam.user")} \
            if scan else set()
        if (account, user) not in known:
            raise ValueError(_("the current scan has no IAM user {user} in {account}").format(
                user=repr(user), account=account))
        name = " ".join(person.split())
        with self.store.tx():
            if name:
                self.store.set_sso_edit(self.session_id, "move-user", f"{account}/{user}",
                                        name)
            else:
                self.store.delete_sso_edit(self.session_id, "move-user", f"{account}/{user}")
            self._derive_matrix()
