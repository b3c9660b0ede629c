"""Saying why conversations cannot be saved now, in the user's language."""

from __future__ import annotations

import errno as errnos

from PySide6.QtCore import QCoreApplication

from desktop_chat.core.save_queue import SaveProblem


def describe_save_problem(problem: SaveProblem) -> str:
    code = problem.errno
    if code in (errnos.ENOSPC, getattr(errnos, "EDQUOT", errnos.ENOSPC)):
        what = QCoreApplication.translate("SaveProblems", "the disk is full")
        until = QCoreApplication.translate("SaveProblems", "when there is space again")
    elif code == errnos.EROFS:
        what = QCoreApplication.translate("SaveProblems", "the folder is read-only")
        until = QCoreApplication.translate("SaveProblems",
                                           "when the folder can be written again")
    elif code in (errnos.EACCES, errnos.EPERM):
        what = QCoreApplication.translate("SaveProblems", "permission was denied")
        until = QCoreApplication.translate("SaveProblems",
                                           "when the folder can be written again")
    else:
        what = problem.detail or QCoreApplication.translate("SaveProblems", "the disk refused")
        until = QCoreApplication.translate("SaveProblems", "when the disk allows it")
    return QCoreApplication.translate(
        "SaveProblems",
        "Cannot save conversations: {what} ({folder}). Your messages are kept in this "
        "window and will be saved {until}.").format(
            what=what, folder=problem.folder, until=until)
