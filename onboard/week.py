"""The week plan's state: which tasks are done (by the user or by events) and progress."""

from __future__ import annotations

from dataclasses import dataclass

from onboard.catalog import Catalog
from onboard.models import Task
from onboard.store import Store


@dataclass(frozen=True)
class TaskState:
    task: Task
    day: int
    done: bool
    by_event: bool


@dataclass(frozen=True)
class DayProgress:
    day: int
    title: str
    phase: str
    done: int
    total: int

    @property
    def ratio(self) -> float:
        return self.done / self.total if self.total else 1.0


def task_states(catalog: Catalog, store: Store, session_id: int) -> list[TaskState]:
    """A task is done when the user ticked it, or when its event happened and the user
    has not unticked it since."""
    saved = store.task_states(session_id)
    events = store.events(session_id)
    out = []
    for day in catalog.days:
        for task in day.tasks:
            state = saved.get(task.id)
            if state is not None:
                done, by_event = state["done"], state["auto"]
            else:
                done = by_event = bool(task.auto and task.auto in events)
            out.append(TaskState(task, day.day, done, by_event))
    return out


def progress(catalog: Catalog, store: Store, session_id: int) -> list[DayProgress]:
    states = task_states(catalog, store, session_id)
    return [DayProgress(d.day, d.title, d.phase.value,
                        sum(1 for s in states if s.day == d.day and s.done),
                        sum(1 for s in states if s.day == d.day))
            for d in catalog.days]


def next_task(catalog: Catalog, store: Store, session_id: int) -> TaskState | None:
    """The first open task, in plan order: what to do next."""
    return next((s for s in task_states(catalog, store, session_id) if not s.done), None)


def set_done(store: Store, session_id: int, task_id: str, done: bool) -> None:
    store.set_task(session_id, task_id, done, auto=False)


def record(store: Store, session_id: int, event: str) -> None:
    """Something happened that may tick tasks (scan_finished, decisions_exported, ...)."""
    store.record_event(session_id, event)
