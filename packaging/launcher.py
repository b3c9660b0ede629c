"""The frozen app's entry point (PyInstaller needs a script, not a module)."""

import multiprocessing
import sys

if __name__ == "__main__":
    # Before anything else: a child the frozen app starts (tqdm's lock starts
    # multiprocessing's resource tracker on macOS) re-runs this executable with "-c ..."
    # arguments, which must reach multiprocessing, not the app's argument parser.
    multiprocessing.freeze_support()
    from desktop_chat.app import main

    sys.exit(main())
