"""One module per dialog; every class is a ``*Dialog``. Dialogs take what they show and
the workers they ask (ui/ports.py), never a controller, and report by signal."""
