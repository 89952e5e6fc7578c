"""The Identity Center migration kit: today's IAM users → an Identity Center design and code.

`access` reads who holds which policies from the inventory, `plan` proposes people, groups,
permission sets and assignments (with the user's stored edits applied), and the emitters
turn one plan into Terraform (`emit_terraform`), `~/.aws/config` profiles (`emit_profiles`),
per-person cut-over scripts (`emit_cutover`) and `aws sso-admin` / `identitystore` CLI calls
(`emit_commands`). Pure: no AWS calls, no SQL (`load` is the one place that asks the store).
"""
