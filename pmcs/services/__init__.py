"""The Python API: plain functions over a Session, used by the CLI and by scripts.

Each function checks input with ``core`` rules, reads and writes through
``store``, records an event for every change, and raises ``PmcsError`` for
anything the user must fix. Nothing here prints.
"""
