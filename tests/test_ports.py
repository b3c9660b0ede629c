"""The seams between the ui and the workers (ui/ports.py) hold: every worker app.py hands
the ui, and every stand-in the tests hand it instead, has exactly the signals its port
declares, with the same argument types (read from each class's Qt meta-object, as Qt
connects them), and the port's methods with the same parameters.

A stand-in that drifts from the real worker (``Signal(str, object)`` where the worker
has ``Signal(object, object)``) fails here instead of passing tests it should not."""

from __future__ import annotations

import dataclasses
import inspect

import pytest
from PySide6.QtCore import QMetaMethod, QObject, Signal
from test_chat_session import StandInCounter, StandInWorker

from desktop_chat.app import Workers
from desktop_chat.ui import ports
from desktop_chat.workers.downloads import DownloadWorker
from desktop_chat.workers.fast_copy import FastCopyWorker
from desktop_chat.workers.inference import InferenceWorker
from desktop_chat.workers.jobs import Job, JobRunner
from desktop_chat.workers.saves import SaveWorker
from desktop_chat.workers.search import SearchWorker
from desktop_chat.workers.token_counting import TokenCountWorker

IMPLEMENTATIONS = [
    (ports.InferencePort, InferenceWorker),
    (ports.InferencePort, StandInWorker),
    (ports.TokenCountPort, TokenCountWorker),
    (ports.TokenCountPort, StandInCounter),
    (ports.SavesPort, SaveWorker),
    (ports.SearchPort, SearchWorker),
    (ports.DownloadsPort, DownloadWorker),
    (ports.FastCopyPort, FastCopyWorker),
    (ports.JobsPort, JobRunner),
    (ports.JobPort, Job),
]


def signals_of(cls: type) -> dict[str, str]:
    """Public signal name -> Qt signature ("name(int,QString)") of a QObject class, beyond
    QObject's own (destroyed, objectNameChanged)."""
    meta = cls.staticMetaObject
    found = {}
    for index in range(QObject.staticMetaObject.methodCount(), meta.methodCount()):
        method = meta.method(index)
        if method.methodType() == QMetaMethod.MethodType.Signal:
            name = bytes(method.name().data()).decode()
            if not name.startswith("_"):  # a worker's own queued requests to its thread
                found[name] = bytes(method.methodSignature().data()).decode()
    return found


def declared_signals(port: type) -> dict[str, str]:
    """The port's signals, as Qt sees them on a class declaring the same ``Signal``s."""
    declared = {name: value for name, value in vars(port).items()
                if isinstance(value, Signal)}
    return signals_of(type(f"{port.__name__}Signals", (QObject,), declared))


def other_members(port: type) -> dict[str, object]:
    """Methods and properties the port names (its annotated attributes are instance
    state, set in ``__init__``: not checked here)."""
    return {name: value for name, value in vars(port).items()
            if not name.startswith("_") and not isinstance(value, Signal)
            and (inspect.isfunction(value) or isinstance(value, property))}


def mismatches(port: type, cls: type) -> list[str]:
    """Everything in which ``cls`` differs from ``port``; empty when it conforms."""
    problems = []
    declared = declared_signals(port)
    members = other_members(port)
    actual = {name: signature for name, signature in signals_of(cls).items()
              if name not in members}  # a stand-in may offer a property as a signal
    for name in sorted(declared.keys() | actual.keys()):
        if declared.get(name) != actual.get(name):
            problems.append(f"signal {name}: the port has {declared.get(name)}, "
                            f"{cls.__name__} has {actual.get(name)}")
    for name, member in members.items():
        if not hasattr(cls, name):
            problems.append(f"{cls.__name__} has no {name}")
        elif inspect.isfunction(member):
            wanted = list(inspect.signature(member).parameters)
            found = list(inspect.signature(getattr(cls, name)).parameters)
            if wanted != found:
                problems.append(f"{name}{tuple(wanted)}: {cls.__name__} takes {tuple(found)}")
    return problems


@pytest.mark.parametrize(("port", "cls"), IMPLEMENTATIONS,
                         ids=[f"{p.__name__}-{c.__name__}" for p, c in IMPLEMENTATIONS])
def test_each_worker_and_stand_in_matches_its_port(port, cls):
    assert mismatches(port, cls) == []


def test_app_hands_the_window_every_worker_its_port_names():
    assert {field.name for field in dataclasses.fields(Workers)} == set(
        ports.WorkersPort.__annotations__)


def test_every_port_has_a_real_worker():
    checked = {port for port, _ in IMPLEMENTATIONS} | {ports.WorkersPort}
    declared = {value for value in vars(ports).values()
                if isinstance(value, type) and value.__module__ == ports.__name__
                and value.__name__.endswith("Port")}
    assert declared - checked == set()


def test_the_check_catches_a_stand_in_that_drifted():
    class WrongStandIn(StandInWorker):
        generation_failed = Signal(str, object)  # the worker's is (object, object)

        def request_load(self, source):  # the port's is request_load(self, request)
            return 0

    assert mismatches(ports.InferencePort, WrongStandIn) == [
        "signal generation_failed: the port has generation_failed(PyObject,PyObject), "
        "WrongStandIn has generation_failed(QString,PyObject)",
        "request_load('self', 'request'): WrongStandIn takes ('self', 'source')",
    ]
