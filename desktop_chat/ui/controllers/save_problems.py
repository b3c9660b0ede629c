"""Saying why conversations cannot be saved now, in the user's language."""

from __future__ import annotations

import errno as errnos

from PySide6.QtCore import QCoreApplication

from desktop_chat.core.save_queue import SaveProblem


def _tr(text: str) -> str:
    return QCoreApplication.translate("SaveProblems", text)


def describe_save_problem(problem: SaveProblem) -> str:
    code = problem.errno
    if code in (errnos.ENOSPC, getattr(errnos, "EDQUOT", errnos.ENOSPC)):
        what = _tr("the disk is full")
        until = _tr("when there is space again")
    elif code == errnos.EROFS:
        what = _tr("the folder is read-only")
        until = _tr("when the folder can be written again")
    elif code in (errnos.EACCES, errnos.EPERM):
        what = _tr("permission was denied")
        until = _tr("when the folder can be written again")
    else:
        what = problem.detail or _tr("the disk refused")
        until = _tr("when the disk allows it")
    return _tr(
        "Cannot save conversations: {what} ({folder}). Your messages are kept in this "
        "window and will be saved {until}.").format(
            what=what, folder=problem.folder, until=until)
