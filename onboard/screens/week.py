"""Week (home): the days of the plan with their tasks, progress, and what to do next."""

from __future__ import annotations

import re
from typing import ClassVar

from rich.progress_bar import ProgressBar as RichBar
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import DescendantFocus
from textual.widgets import Checkbox, ProgressBar, Static

from onboard.app import WeekSnapshot
from onboard.i18n import N_, _
from onboard.models import Task
from onboard.screens import spec
from onboard.screens.base import OnboardScreen
from onboard.screens.widgets import (
    PHASE_COLORS,
    PHASE_LABELS,
    SafeStatic,
    TickBox,
    phase_text,
    shown,
)
from onboard.week import DayProgress

TASK_ACTIONS = {"get-read-access": ("show_policy",
                                    N_("show the policy to ask for (y copies it)")),
                "import-terraform-state": ("import_terraform",
                                           N_("import state files here (several at once)"))}
"""Tasks done in a dialog: Enter opens it (instead of the task's screen)."""


def phase_names(phase: str) -> tuple[str, ...]:
    """How a day's title may begin when it already names its phase: the code, the label
    in the current language, and each part of a label such as "Observe(観察)"."""
    label = _(PHASE_LABELS.get(phase, phase)).lower()
    parts = [p.strip() for p in re.split(r"[()（）]", label) if p.strip()]
    return tuple(dict.fromkeys([phase, label, *parts]))


def widget_id(task_id: str) -> str:
    return "task-" + re.sub(r"[^A-Za-z0-9_-]", "_", task_id)


class TaskBox(TickBox):
    """A task's checkbox; remembers which task it is. Up/Down move between tasks (not the
    page), Enter opens the task's screen, space ticks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_button", N_("Tick/untick"), key_display="space"),
        Binding("enter", "screen.open_task", N_("Open task"), key_display="⏎"),
        Binding("down,j", "screen.move_task(1)", N_("Next task"), show=False),
        Binding("up,k", "screen.move_task(-1)", N_("Previous task"), show=False),
    ]

    def __init__(self, task: Task) -> None:
        super().__init__(shown(task.title), id=widget_id(task.id), classes="task")
        self.task_def = task


def day_bar(p: DayProgress) -> Table:
    """A day's progress: a small bar and done/total, one line."""
    color = PHASE_COLORS.get(p.phase, "white")
    grid = Table.grid(padding=(0, 1))
    grid.add_row(RichBar(total=p.total or 1, completed=p.done, width=10,
                         complete_style=color, finished_style="#87d787"),
                 Text(f"{p.done}/{p.total}", style="bold" if p.done == p.total else "dim"))
    return grid


def press(body: Text, template: str, **values: object) -> None:
    """A new line 'Press Enter to …' with Enter in bold, wherever the language puts it."""
    before, _enter, after = template.partition("{enter}")
    body.append("\n" + before.format(**values), "dim")
    body.append("Enter", "bold")
    body.append(after.format(**values), "dim")


class NextLine(SafeStatic):
    """What to do next; a click does what `c` does."""

    async def on_click(self) -> None:
        await self.app.run_action("continue_task")


class WeekScreen(OnboardScreen):
    SCREEN_ID = "week"
    CSS_PATH = "week.tcss"
    HELP = N_("""
## Week — your first week, day by day
The plan follows the talk's OODA loop: **Observe** (find every account, interview,
review resources), **Orient** (what could go wrong, and why), **Decide** (pick actions),
**Act** (roll them out). Each day lists its tasks; the panel on the right explains the
focused task and how you know it is done.

Some tasks tick themselves when onboard sees them happen (a finished scan, an interview
with every question answered, the risky findings triaged). You can tick or untick any
task yourself. Press **c** (or the *Next* button) to jump to the first open task.
""")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_task", N_("Tick/untick"), key_display="space", show=False),
        Binding("enter", "open_task", N_("Open the task's screen"), key_display="⏎",
                show=False),
        Binding("n", "note", N_("Note")),
        Binding("down,j", "move_task(1)", N_("Next task"), key_display="↓/j", show=False),
        Binding("up,k", "move_task(-1)", N_("Previous task"), key_display="↑/k",
                show=False),
    ]

    def compose_body(self) -> ComposeResult:
        catalog = self.oapp.catalog
        with Horizontal(id="week-body"):
            with VerticalScroll(id="week-plan", can_focus=False):
                with Horizontal(id="week-top"):
                    yield SafeStatic("", id="overall-label")
                    yield ProgressBar(total=1, show_eta=False, id="overall-bar")
                yield NextLine(id="next-task")
                for day in catalog.days:
                    with Vertical(classes=f"day phase-{day.phase.value}", id=f"day-{day.day}"):
                        with Horizontal(classes="day-head"):
                            yield SafeStatic(self._day_title(day.day), classes="day-title")
                            yield SafeStatic("", classes="day-count", id=f"day-count-{day.day}")
                        yield SafeStatic(day.goal, classes="day-goal")
                        for task in day.tasks:
                            yield TaskBox(task)
            with Vertical(id="task-help"):
                yield SafeStatic("", id="help-title")
                yield SafeStatic("", id="help-body")

    def _day_title(self, number: int) -> Text:
        day = next(d for d in self.oapp.catalog.days if d.day == number)
        text = Text.assemble((_("Day {n}").format(n=day.day) + "  ", "bold"))
        title = day.title
        phase = day.phase.value
        if not title.lower().startswith(phase_names(phase)):
            text.append_text(phase_text(phase))
            text.append("  ")
        text.append(title, f"bold {PHASE_COLORS.get(phase, '')}")
        return text

    def on_mount(self) -> None:
        self.watch(self.oapp, "snapshot", self._render_snapshot)
        wanted = self.oapp.ui_state.task
        if wanted and wanted in self.oapp.catalog.tasks:
            self.focus_task(wanted)
        else:
            self.query(TaskBox).first().focus()

    def on_screen_resume(self) -> None:
        self.query_one("NavTabs").active = "tab-week"  # type: ignore[attr-defined]

    def reload(self) -> None:
        self.oapp.refresh_week()

    def _render_snapshot(self, snap: WeekSnapshot | None) -> None:
        if snap is None:
            return
        for state in snap.states:
            box = self.query_one(f"#{widget_id(state.task.id)}", TaskBox)
            if box.value != state.done:
                with box.prevent(Checkbox.Changed):
                    box.value = state.done
            label = Text(state.task.title)
            if state.by == "derived":
                label.append(_("  ✓ the data says so") if state.done else "", "dim italic")
            elif state.by == "user":
                label.append(_("  ticked by you") if state.done else _("  unticked by you"),
                             "dim italic")
            box.label = shown(label)
        for p in snap.progress:
            self.query_one(f"#day-count-{p.day}", Static).update(day_bar(p))
        done, total = sum(p.done for p in snap.progress), sum(p.total for p in snap.progress)
        self.query_one("#overall-label", Static).update(
            Text.assemble((_("This week "), "bold"),
                          _("{done} of {total} tasks done").format(done=done, total=total)))
        self.query_one("#overall-bar", ProgressBar).update(total=total or 1, progress=done)
        nxt = next((s for s in snap.states if not s.done), None)
        line = Text()
        if nxt is None:
            line.append(_("✓ Every task of the week is done."), "bold #87d787")
        else:
            line.append(_(" ▶ Next "), "bold reverse #87d787")
            line.append(f"  {nxt.task.title}", "bold")
            line.append("   " + _("Day {n} · press c").format(n=nxt.day), "dim")
        self.query_one("#next-task", NextLine).update(line)
        if isinstance(self.focused, TaskBox):
            self._show_help(self.focused.task_def)

    def focus_task(self, task_id: str) -> None:
        found = self.query(f"#{widget_id(task_id)}")
        if found:
            found.first().focus()
            found.first().scroll_visible()


    @on(Checkbox.Changed, ".task")
    def _toggled(self, event: Checkbox.Changed) -> None:
        box = event.checkbox
        assert isinstance(box, TaskBox)
        self.oapp.set_task_done(box.task_def.id, event.value)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        if isinstance(event.widget, TaskBox):
            self._show_help(event.widget.task_def)
            self.oapp.remember(task=event.widget.task_def.id)

    def _show_help(self, task: Task) -> None:
        snap = self.oapp.snapshot
        state = next((s for s in snap.states if s.task.id == task.id), None) if snap else None
        color = PHASE_COLORS.get(task.phase.value, "white")
        title = Text(task.title, style=f"bold {color}")
        body = Text()
        body.append(task.help.strip() + "\n\n")
        body.append(_("Done when "), "bold")
        body.append(task.done_when.strip() + "\n")
        if task.auto:
            body.append(_("Ticks itself "), "bold")
            body.append(_("when the data shows it is done (your own tick wins)") + "\n",
                        "dim")
        if state is not None:
            body.append("\n" + _("Status "), "bold")
            body.append(_("done") if state.done else _("open"),
                        "#87d787" if state.done else "#ffd75f")
            body.append(f" · {_(state.reason)}\n", "dim" if state.done else "#ffd75f")
        note = (snap.notes or {}).get(task.id) if snap else None
        body.append("\n" + _("Your note "), "bold")
        if note:
            body.append(_("(n edits)") + "\n", "dim")
            body.append(note + "\n")
        else:
            body.append(_("none yet: n writes one (the sentence a task asks for, who said "
                          "what)") + "\n", "dim")
        target = spec(task.screen) if task.screen else None
        if task.id in TASK_ACTIONS:
            press(body, _("Press {enter} to {what}."), what=_(TASK_ACTIONS[task.id][1]))
        elif target is not None and target.id != self.SCREEN_ID:
            press(body, _("Press {enter} to open {screen} ({key}), where this is done."),
                  screen=_(target.title), key=target.key)
        elif task.screen and target is None:
            body.append("\n" + _("The {screen} screen is not in this version; tick the "
                                  "task yourself when it is done.").format(
                                      screen=task.screen), "dim")
        self.query_one("#help-title", Static).update(title)
        self.query_one("#help-body", Static).update(body)

    def action_note(self) -> None:
        if not isinstance(self.focused, TaskBox):
            return
        from onboard.screens.modals import NoteModal

        task = self.focused.task_def
        snap = self.oapp.snapshot
        current = ((snap.notes or {}).get(task.id, "") if snap else "")

        def saved(text: object) -> None:
            if isinstance(text, str):
                self.oapp.save_note("task", task.id, text)

        self.app.push_screen(NoteModal(_("Your note on this task"), task.title, current),
                             saved)

    def action_move_task(self, delta: int) -> None:
        boxes = list(self.query(TaskBox))
        if not boxes:
            return
        at = boxes.index(self.focused) if self.focused in boxes else -1
        target = boxes[max(0, min(len(boxes) - 1, at + delta))]
        target.focus()
        target.scroll_visible()

    def action_toggle_task(self) -> None:
        if isinstance(self.focused, TaskBox):
            self.focused.toggle()

    def action_open_task(self) -> None:
        if isinstance(self.focused, TaskBox):
            found = TASK_ACTIONS.get(self.focused.task_def.id)
            if found is not None:
                getattr(self.oapp, f"action_{found[0]}")()
                return
            screen = self.focused.task_def.screen
            if screen and screen != self.SCREEN_ID:
                self.oapp.go(screen)
            else:
                self.notify(_("This task is done outside onboard; tick it when it is done."))
