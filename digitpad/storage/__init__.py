"""``digitpad.storage``: the files digitpad keeps and the files people hand
it, treated as hostile until validated. Typed schemas for the JSON inside
them, a guarded ``.npz`` reader that checks what every member declares
before reading it, atomic writes (a temporary file moved into place, stale
temporaries cleaned up, symbolic links written through), dated backups that
are never overwritten, and a lock between running copies of the app. It
uses NumPy and the standard library only, and sits below ``digitpad.data``.
"""
