"""Words a person reads for machine values (statuses, marks, severities), in the current language.

Stored values and JSON keep their English codes ("answered", "accepted risk"); reports show
`label(ROW_STATUS, value)`. One English word can mean two things ("answered": an interview
question, a matrix row with a decision), and short words are in every PO file, so these
msgids carry a context before a `|` ("row status|answered"), as glib's Q_() does: with no
translation the text after the `|` shows, so English is the bare word.
"""

from __future__ import annotations

from collections.abc import Mapping

from onboard.i18n import N_, _


def C_(msgid: str) -> str:
    """`_()` for a "context|text" msgid: the translation, else the text after the `|`."""
    text = _(msgid)
    if text == msgid and "|" in msgid:
        return msgid.split("|", 1)[1]
    return text


def label(words: Mapping[str, str], value: str) -> str:
    """The word for a machine value (the value itself when it has none)."""
    return C_(words[value]) if value in words else value


ROW_STATUS = {"open": N_("row status|open"), "answered": N_("row status|answered"),
              "accepted": N_("row status|accepted"), "fixed": N_("row status|fixed")}
"""A matrix row's derived status (orient.ROW_STATES)."""
INTERVIEW_STATUS = {"not asked": N_("interview status|not asked"),
                    "asked": N_("interview status|asked"),
                    "answered": N_("interview status|answered"),
                    "follow-up": N_("interview status|follow-up")}
TRIAGE_MARK = {"confirmed": N_("triage mark|confirmed"),
               "accepted risk": N_("triage mark|accepted risk"),
               "false positive": N_("triage mark|false positive"),
               "question": N_("triage mark|question")}
SCAN_STATUS = {"running": N_("scan status|running"), "complete": N_("scan status|complete"),
               "incomplete": N_("scan status|incomplete")}
SEVERITY = {"critical": N_("severity|critical"), "high": N_("severity|high"),
            "medium": N_("severity|medium"), "low": N_("severity|low"),
            "info": N_("severity|info")}
ACCESS = {"ok": N_("account access|ok"), "denied": N_("account access|denied"),
          "skipped": N_("account access|skipped")}
ENVIRONMENT = {"management": N_("environment|management"), "prod": N_("environment|prod"),
               "staging": N_("environment|staging"), "sandbox": N_("environment|sandbox"),
               "dev": N_("environment|dev"), "other": N_("environment|other")}
ACCEPTED_HOW = {"triage": N_("accepted by|triage"), "won't do": N_("accepted by|won't do")}
"""How a risk was accepted (decide.AcceptedRisk.how)."""
ACTION_STATUS = {"proposed": N_("action status|proposed"),
                 "chosen": N_("action status|chosen"),
                 "doing": N_("action status|in progress"),
                 "done": N_("action status|done"),
                 "wont": N_("action status|won't do")}
"""models.ActionStatus value → its label ("doing" reads "in progress")."""
UNCLASSIFIED = N_("unclassified")
"""orient.DEFAULT_ASSET_NAME, marked here: the report shows it translated."""
