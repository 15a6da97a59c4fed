"""Kinds of piece beyond the built-in ones: each module here declares ``KIND`` (an `empathydesk.kinds.Kind`).

A module here is imported whenever the kinds are listed (by scoring and the dashboard too), so it imports
ipywidgets and the page helpers only inside its builder.
"""
