"""The pure core: goodwill maths, readiness, planning and detection.

Nothing here does I/O or reads the clock; callers pass ``today``/``as_of``.
"""
