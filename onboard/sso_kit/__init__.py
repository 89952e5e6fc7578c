"""The Identity Center migration kit: today's IAM users → an Identity Center design and code.

`access` reads who holds which policies from the inventory, `plan` proposes people, groups,
permission sets and assignments (with the user's stored edits applied), and the emitters
turn one plan into Terraform (`emit_terraform`), `~/.aws/config` profiles (`emit_profiles`),
per-person cut-over scripts (`emit_cutover`) and `aws sso-admin` / `identitystore` CLI calls
(`emit_commands`). Pure: no AWS calls, no SQL (`load` is the one place that asks the store).

Language: what a person reads (the plan's notes, warnings and reasons, the Markdown, the
comments and messages of the files) is in the current language (`onboard.i18n`,
`locale/ja/sso.po`); the plan's text is written when it is built, so build it in the language
it is shown in. Commands, code, names and what AWS stores (descriptions) never change.
"""
